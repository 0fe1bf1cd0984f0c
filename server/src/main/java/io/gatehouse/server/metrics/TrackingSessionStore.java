package io.gatehouse.server.metrics;

import io.gatehouse.session.CleanupBatch;
import io.gatehouse.session.Device;
import io.gatehouse.session.NewSession;
import io.gatehouse.session.Session;
import io.gatehouse.session.SessionCleanup;
import io.gatehouse.session.SessionSettings;
import io.gatehouse.session.SessionStore;
import io.gatehouse.session.TrustedDevice;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A session store that tells {@link CapabilityMetrics} which sessions a touch found alive. Creation and
 * ends reach the metrics through the store's listener; touches have no listener hook (they are the hot
 * path), so this thin decorator observes them. Everything else is passed through unchanged.
 */
final class TrackingSessionStore implements SessionStore {
    private final SessionStore delegate;
    private final CapabilityMetrics metrics;

    TrackingSessionStore(SessionStore delegate, CapabilityMetrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    @Override
    public Optional<Session> touch(String sessionId) {
        Optional<Session> s = delegate.touch(sessionId);
        s.ifPresent(x -> metrics.touched(x.id()));
        return s;
    }

    @Override
    public Session create(NewSession request) {
        return delegate.create(request);
    }

    @Override
    public Optional<Session> get(String sessionId) {
        return delegate.get(sessionId);
    }

    @Override
    public Optional<Session> updateAttributes(String sessionId, Map<String, String> set, Set<String> remove) {
        return delegate.updateAttributes(sessionId, set, remove);
    }

    @Override
    public boolean end(String sessionId) {
        return delegate.end(sessionId);
    }

    @Override
    public List<String> endAll(String userId) {
        return delegate.endAll(userId);
    }

    @Override
    public List<String> endAllBut(String currentSessionId) {
        return delegate.endAllBut(currentSessionId);
    }

    @Override
    public List<Session> list(String userId) {
        return delegate.list(userId);
    }

    @Override
    public List<Device> devices(String userId) {
        return delegate.devices(userId);
    }

    @Override
    public String deviceId(String fingerprint) {
        return delegate.deviceId(fingerprint);
    }

    @Override
    public TrustedDevice trustDevice(String userId, String deviceId) {
        return delegate.trustDevice(userId, deviceId);
    }

    @Override
    public TrustedDevice trustDevice(String userId, String deviceId, Duration ttl) {
        return delegate.trustDevice(userId, deviceId, ttl);
    }

    @Override
    public boolean untrustDevice(String userId, String deviceId) {
        return delegate.untrustDevice(userId, deviceId);
    }

    @Override
    public List<TrustedDevice> trustedDevices(String userId) {
        return delegate.trustedDevices(userId);
    }

    @Override
    public boolean isTrusted(String userId, String fingerprint) {
        return delegate.isTrusted(userId, fingerprint);
    }

    @Override
    public SessionCleanup cleanup(int batchSize) {
        SessionCleanup pass = delegate.cleanup(batchSize);
        return () -> {
            CleanupBatch batch = pass.next();
            metrics.cleaned(batch);
            return batch;
        };
    }

    @Override
    public SessionSettings settings() {
        return delegate.settings();
    }
}
