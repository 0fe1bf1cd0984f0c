package io.gatehouse.user;

import java.util.concurrent.atomic.AtomicInteger;

/** A real hasher that counts its work, so "as much work as a wrong password" can be asserted without timing. */
final class CountingHasher implements PasswordHasher {
    private final PasswordHasher delegate;
    final AtomicInteger hashes = new AtomicInteger();
    final AtomicInteger verifications = new AtomicInteger();

    CountingHasher(PasswordHasher delegate) {
        this.delegate = delegate;
    }

    @Override
    public String hash(String password) {
        hashes.incrementAndGet();
        return delegate.hash(password);
    }

    @Override
    public Verification verify(String password, String hash) {
        verifications.incrementAndGet();
        return delegate.verify(password, hash);
    }

    void reset() {
        hashes.set(0);
        verifications.set(0);
    }
}
