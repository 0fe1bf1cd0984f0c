package io.gatehouse.event;

/**
 * A Redis stream entry id, {@code <ms>-<seq>}. Stored entries get {@code ms = max(event time, ms of the
 * stream's last entry)}, so ids only grow and an entry's id is never earlier than its event's time:
 * reading ids from {@code t} onwards finds every event whose time is {@code t} or later.
 */
record StreamId(long ms, long seq) implements Comparable<StreamId> {

    static StreamId parse(String s) {
        int dash = s.indexOf('-');
        try {
            if (dash <= 0) {
                throw new NumberFormatException(s);
            }
            long ms = Long.parseLong(s.substring(0, dash));
            long seq = Long.parseUnsignedLong(s.substring(dash + 1));
            if (ms < 0) {
                throw new NumberFormatException(s);
            }
            return new StreamId(ms, seq);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a stream id: " + s);
        }
    }

    @Override
    public int compareTo(StreamId o) {
        int c = Long.compare(ms, o.ms);
        return c != 0 ? c : Long.compareUnsigned(seq, o.seq);
    }

    @Override
    public String toString() {
        return ms + "-" + Long.toUnsignedString(seq);
    }
}
