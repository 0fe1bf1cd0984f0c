package io.gatehouse.example;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * A product source whose loads block until the test releases them, so that a second instance's miss on the
 * same key certainly arrives while the first instance's loader runs. Shared by the app instances of one JVM.
 * Not a {@code @Configuration}, so the example's component scan does not find it; the test names it as a source.
 */
class BlockingProductSource {
    static final AtomicInteger ENTERED = new AtomicInteger();
    static volatile CountDownLatch release = new CountDownLatch(1);

    @Bean
    @Primary
    ProductSource blockingSource() {
        return new ProductSource() {
            @Override
            public String name(String id) {
                ENTERED.incrementAndGet();
                try {
                    if (!release.await(60, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never released the load");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                return "product " + id;
            }
        };
    }
}
