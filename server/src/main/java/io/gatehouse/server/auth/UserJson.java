package io.gatehouse.server.auth;

import io.gatehouse.user.User;
import java.util.LinkedHashMap;
import java.util.Map;

/** The public JSON form of a user: never the password hash (a {@link User} does not even hold it). */
final class UserJson {
    /**
     * Always six fractional digits (what the database keeps), so the body's length never depends on the instant:
     * the answer to a registration with a taken address is then byte for byte the size of a real one.
     */
    private static final java.time.format.DateTimeFormatter CREATED_AT = java.time.format.DateTimeFormatter.ofPattern(
                    "uuuu-MM-dd'T'HH:mm:ss.SSSSSSX")
            .withZone(java.time.ZoneOffset.UTC);

    private UserJson() {}

    static Map<String, Object> of(User user) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", user.id());
        m.put("email", user.email());
        m.put("full_name", user.fullName().orElse(null));
        m.put("status", user.status().label());
        m.put("roles", user.roles().stream().sorted().toList());
        m.put("created_at", CREATED_AT.format(user.createdAt()));
        return m;
    }
}
