package io.gatehouse.token;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a token service reported, for assertions. */
final class RecordingListener implements TokenEventListener {
    final List<Revocation> revoked = new CopyOnWriteArrayList<>();
    final List<ReuseEvent> reuses = new CopyOnWriteArrayList<>();
    final List<String> rotations = new CopyOnWriteArrayList<>();
    final List<RevocationHealth> linkChanges = new CopyOnWriteArrayList<>();

    @Override
    public void revoked(List<Revocation> revocations) {
        revoked.addAll(revocations);
    }

    @Override
    public void reuseDetected(ReuseEvent event) {
        reuses.add(event);
    }

    @Override
    public void keyRotated(String newKeyId, Instant at) {
        rotations.add(newKeyId);
    }

    @Override
    public void revocationLinkChanged(RevocationHealth health) {
        linkChanges.add(health);
    }
}
