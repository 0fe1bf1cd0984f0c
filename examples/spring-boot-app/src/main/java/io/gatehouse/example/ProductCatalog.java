package io.gatehouse.example;

import java.util.concurrent.atomic.AtomicLong;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * A slow source of truth behind {@code @Cacheable(sync = true)}: with Gatehouse's cache, one instance loads a
 * missing key while the others wait for its value.
 */
@Service
public class ProductCatalog {
    private final AtomicLong loads = new AtomicLong();
    private final ProductSource source;

    public ProductCatalog(ProductSource source) {
        this.source = source;
    }

    @Cacheable(cacheNames = "products", sync = true)
    public Product product(String id) {
        long n = loads.incrementAndGet();
        return new Product(id, source.name(id), n);
    }

    /** How many times this instance ran the loader. */
    public long loads() {
        return loads.get();
    }
}
