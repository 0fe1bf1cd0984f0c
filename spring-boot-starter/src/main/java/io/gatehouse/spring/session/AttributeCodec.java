package io.gatehouse.spring.session;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.util.ClassUtils;

/**
 * Session attributes as the short strings a Gatehouse session holds (at most 16, names
 * {@code [A-Za-z0-9._-]{1,64}}, values up to 256 characters, 1 KB in all). Spring Session's Redis store
 * writes each attribute Java-serialized; here the common ones take a few bytes:
 *
 * <ul>
 *   <li>{@code s<text>} a String, {@code b1}/{@code b0} a Boolean, {@code i<n>}/{@code l<n>} Integer/Long;</li>
 *   <li>{@code c<authorities>} Spring Security's context: the principal's name is the session's user, so only
 *       the authorities are kept ({@code ROLE_admin,ROLE_user}); it comes back as an authenticated
 *       {@code UsernamePasswordAuthenticationToken} whose principal is the name;</li>
 *   <li>{@code t<header> <parameter> <token>} a CSRF token;</li>
 *   <li>{@code j<base64>} any other Serializable that fits (Java serialization).</li>
 * </ul>
 * Well-known long names get short aliases ({@code SPRING_SECURITY_CONTEXT} is {@code sc}). A value that does
 * not fit is refused with an {@link IllegalArgumentException} naming the attribute.
 */
final class AttributeCodec {
    static final String SECURITY_CONTEXT = "SPRING_SECURITY_CONTEXT";
    static final String CSRF = "org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository.CSRF_TOKEN";
    private static final Map<String, String> ALIASES = Map.of(SECURITY_CONTEXT, "sc", CSRF, "csrf");
    private static final Map<String, String> NAMES = Map.of("sc", SECURITY_CONTEXT, "csrf", CSRF);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int MAX_VALUE = 256;
    private static final boolean SECURITY = ClassUtils.isPresent(
            "org.springframework.security.core.context.SecurityContext", AttributeCodec.class.getClassLoader());

    private AttributeCodec() {}

    /** The stored name of an attribute. */
    static String storedName(String name) {
        String alias = ALIASES.get(name);
        if (alias != null) {
            return alias;
        }
        if (!NAME.matcher(name).matches() || NAMES.containsKey(name)) {
            throw new IllegalArgumentException("session attribute '" + name
                    + "' cannot be stored in a Gatehouse session:" + " names are 1 to 64 of A-Z a-z 0-9 . _ -");
        }
        return name;
    }

    /** The attribute name of a stored name. */
    static String attributeName(String stored) {
        return NAMES.getOrDefault(stored, stored);
    }

    static String encode(String name, Object value, String owner) {
        String out;
        if (value instanceof String s) {
            out = "s" + s;
        } else if (value instanceof Boolean b) {
            out = b ? "b1" : "b0";
        } else if (value instanceof Integer i) {
            out = "i" + i;
        } else if (value instanceof Long l) {
            out = "l" + l;
        } else if (SECURITY && SecurityAttributes.handles(value)) {
            out = SecurityAttributes.encode(value, owner);
        } else if (value instanceof Serializable s) {
            out = "j" + Base64.getEncoder().encodeToString(serialize(s));
        } else {
            throw new IllegalArgumentException("session attribute '" + name + "' is a "
                    + value.getClass().getName() + ", which is not Serializable");
        }
        if (out.length() > MAX_VALUE) {
            throw new IllegalArgumentException("session attribute '" + name + "' takes " + out.length()
                    + " characters encoded; a Gatehouse session holds values of at most " + MAX_VALUE);
        }
        return out;
    }

    static Object decode(String stored, String owner) {
        if (stored.isEmpty()) {
            return "";
        }
        String body = stored.substring(1);
        return switch (stored.charAt(0)) {
            case 's' -> body;
            case 'b' -> body.equals("1");
            case 'i' -> Integer.valueOf(body);
            case 'l' -> Long.valueOf(body);
            case 'c', 't' -> SecurityAttributes.decode(stored, owner);
            case 'j' -> deserialize(Base64.getDecoder().decode(body));
            default -> body;
        };
    }

    /** Every stored attribute decoded, by attribute name. */
    static Map<String, Object> decodeAll(Map<String, String> stored, String owner) {
        Map<String, Object> out = new LinkedHashMap<>();
        stored.forEach((k, v) -> out.put(attributeName(k), decode(v, owner)));
        return out;
    }

    /** The principal name a security context attribute holds, if it is one. */
    static Optional<String> principal(Object value) {
        return SECURITY ? SecurityAttributes.principal(value) : Optional.empty();
    }

    private static byte[] serialize(Serializable value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot serialize a " + value.getClass().getName(), e);
        }
        return bytes.toByteArray();
    }

    private static Object deserialize(byte[] bytes) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("a stored session attribute cannot be read back: " + e);
        }
    }
}
