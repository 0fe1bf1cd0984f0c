package io.gatehouse.event;

/** One stored event and the stream id it was stored under. */
record StreamEntry(StreamId id, SecurityEvent event) {}
