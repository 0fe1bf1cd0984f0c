package io.gatehouse.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.user.Argon2Parameters;
import io.gatehouse.user.HashingBusyException;
import io.gatehouse.user.HashingGate;
import io.gatehouse.user.PasswordHasher;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bound on concurrent Argon2id work: a request beyond it fails at once, and the answer is 503 with Retry-After. */
class HashingBoundTest {

    @Test
    void concurrentHashingIsBoundedWith503() throws Exception {
        GatehouseConfig config = GatehouseConfig.builder()
                .set(HashingGate.KEY, "1")
                .set("gatehouse.password.argon2.memory-kib", "256")
                .set("gatehouse.password.argon2.iterations", "1")
                .build();
        PasswordHasher argon2 = PasswordHasher.argon2(Argon2Parameters.fromConfig(config));
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // The first hash holds its permit until released, so the second one finds none free.
        PasswordHasher slow = new PasswordHasher() {
            @Override
            public String hash(String password) {
                inside.countDown();
                await(release);
                return argon2.hash(password);
            }

            @Override
            public Verification verify(String password, String hash) {
                return argon2.verify(password, hash);
            }
        };
        PasswordHasher gate = HashingGate.fromConfig(config, slow);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> gate.hash("first password"), pool);
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            Throwable busy =
                    catchThrowable(() -> gate.verify("second password", "$argon2id$v=19$m=256,t=1,p=1$AAAA$AAAA"));
            assertThat(busy).isInstanceOf(HashingBusyException.class);
            ProblemException answer = Errors.toProblem(busy);
            assertThat(answer.problem().status()).isEqualTo(503);
            assertThat(answer.headers()).containsEntry("Retry-After", "1");
            release.countDown();
            assertThat(gate.verify("first password", first.get(10, TimeUnit.SECONDS))
                            .matches())
                    .as("the permit is back once the first hash is done")
                    .isTrue();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
