package io.gatehouse.session;

/** A trusted-device entry as stored, after its MAC was checked. Times are epoch seconds. */
record StoredTrust(String device, long since, long until, String uaHash, String raw) {}
