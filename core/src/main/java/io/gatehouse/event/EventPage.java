package io.gatehouse.event;

import java.util.List;
import java.util.Optional;

/**
 * One page of events, newest first, and the opaque cursor of the next page (empty when there is none).
 * A page may hold fewer events than the limit while a cursor is still returned: a query stops after
 * scanning a bounded number of stored events so that one call never takes long.
 */
public record EventPage(List<SecurityEvent> events, Optional<String> nextCursor) {
    public EventPage {
        events = List.copyOf(events);
    }
}
