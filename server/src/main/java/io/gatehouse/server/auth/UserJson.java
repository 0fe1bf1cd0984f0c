package io.gatehouse.server.auth;

import io.gatehouse.user.User;
import java.util.LinkedHashMap;
import java.util.Map;

/** The public JSON form of a user: never the password hash (a {@link User} does not even hold it). */
final class UserJson {
    private UserJson() {}

    static Map<String, Object> of(User user) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", user.id());
        m.put("email", user.email());
        m.put("full_name", user.fullName().orElse(null));
        m.put("status", user.status().label());
        m.put("roles", user.roles().stream().sorted().toList());
        m.put("created_at", user.createdAt().toString());
        return m;
    }
}
