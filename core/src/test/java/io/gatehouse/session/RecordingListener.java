package io.gatehouse.session;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Records every listener call, thread-safely, for assertions. */
final class RecordingListener implements SessionListener {
    record Ended(String userId, List<String> ids, EndReason reason) {}

    final List<Session> created = new ArrayList<>();
    final List<Ended> ended = new ArrayList<>();
    final List<String> trusted = new ArrayList<>();
    final List<String> untrusted = new ArrayList<>();

    @Override
    public synchronized void sessionCreated(Session session) {
        created.add(session);
    }

    @Override
    public synchronized void sessionsEnded(String userId, List<String> handles, EndReason reason) {
        ended.add(new Ended(userId, List.copyOf(handles), reason));
    }

    @Override
    public synchronized void deviceTrusted(String userId, String deviceId, Instant until) {
        trusted.add(userId + "/" + deviceId + "/" + until);
    }

    @Override
    public synchronized void deviceUntrusted(String userId, String deviceId) {
        untrusted.add(userId + "/" + deviceId);
    }

    synchronized List<String> endedIds(EndReason reason) {
        List<String> ids = new ArrayList<>();
        ended.stream().filter(e -> e.reason() == reason).forEach(e -> ids.addAll(e.ids()));
        return ids;
    }
}
