package io.gatehouse.origin;

import io.gatehouse.backend.Stores;
import io.gatehouse.backend.internal.StoresRedis;
import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Remembers, per user, the last {@code capacity} devices and the last {@code capacity} networks they logged in
 * from (least recently seen forgotten first; everything forgotten after {@code memory} without a login), and
 * says whether a login's device or network is new. On Redis each user and kind is one key, updated by one
 * script: the check and the remembering are one atomic step.
 *
 * <pre>{@code
 * if (origins.see(userId, Kind.DEVICE, deviceId) == Sighting.NEW) alert(...);
 * if (origins.see(userId, Kind.NETWORK, LoginOrigins.network(ip)) == Sighting.NEW) alert(...);
 * }</pre>
 */
public final class LoginOrigins {
    /** What is remembered. */
    public enum Kind {
        /** A device id (the session store's keyed hash of the client's fingerprint or user agent). */
        DEVICE("d"),
        /** A network: the /24 of an IPv4 address, the /48 of an IPv6 address ({@link #network}). */
        NETWORK("n");

        final String code;

        Kind(String code) {
            this.code = code;
        }
    }

    /** What a login's device or network is to the user. */
    public enum Sighting {
        /** The first one remembered for the user at all (their first login, or the first after a long absence). */
        FIRST,
        /** Not among those remembered: worth an alert. */
        NEW,
        /** Seen before. */
        KNOWN
    }

    private final Store store;
    private final int capacity;
    private final Duration memory;

    private LoginOrigins(Store store, int capacity, Duration memory) {
        this.store = store;
        this.capacity = capacity;
        this.memory = memory;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Records a login of {@code userId} from {@code value} and says whether it was new. */
    public Sighting see(String userId, Kind kind, String value) {
        Objects.requireNonNull(userId, "userId");
        if (value == null
                || value.isEmpty()
                || value.length() > 200
                || value.chars().anyMatch(c -> c <= ' ' || c == '|')) {
            throw new IllegalArgumentException("an origin is 1-200 characters without spaces or '|'");
        }
        return store.see(userId, kind, value, capacity, memory);
    }

    /**
     * The network of an address: {@code 192.0.2.0/24} for IPv4, {@code 2001:db8:1:0:0:0:0:0/48} for IPv6 (an
     * ISP hands a customer a /48 to /64; a /48 counts one site as one network); empty for what is not an address
     * literal.
     */
    public static Optional<String> network(String ip) {
        if (ip == null || ip.isEmpty() || !(ip.indexOf(':') >= 0 || Character.isDigit(ip.charAt(0)))) {
            return Optional.empty();
        }
        byte[] a;
        try {
            // Only literals reach here (checked above): no name lookup happens.
            a = InetAddress.getByName(ip).getAddress();
        } catch (UnknownHostException | SecurityException e) {
            return Optional.empty();
        }
        if (a.length == 4) {
            return Optional.of((a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + ".0/24");
        }
        return Optional.of(String.format(
                "%x:%x:%x:0:0:0:0:0/48",
                ((a[0] & 0xff) << 8) | (a[1] & 0xff),
                ((a[2] & 0xff) << 8) | (a[3] & 0xff),
                ((a[4] & 0xff) << 8) | (a[5] & 0xff)));
    }

    /** Where origins live. */
    interface Store {
        Sighting see(String userId, Kind kind, String value, int capacity, Duration memory);
    }

    /** Builds {@link LoginOrigins}: in memory unless given Redis. */
    public static final class Builder {
        private RedisConnector redis;
        private Stores stores;
        private Clock clock = Clock.systemUTC();
        private int capacity = 20;
        private Duration memory = Duration.ofDays(365);

        private Builder() {}

        /** Remembers where {@code stores} puts {@link Purpose#SESSIONS}. */
        public Builder stores(Stores stores) {
            this.stores = Objects.requireNonNull(stores, "stores");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How many devices, and how many networks, are remembered per user (default 20). */
        public Builder capacity(int capacity) {
            this.capacity = capacity;
            return this;
        }

        /** How long a user's origins are remembered after their last login (default 365 days). */
        public Builder memory(Duration memory) {
            this.memory = Objects.requireNonNull(memory, "memory");
            return this;
        }

        public LoginOrigins build() {
            if (capacity < 1 || capacity > 1000) {
                throw new IllegalArgumentException("capacity must be 1..1000, was " + capacity);
            }
            if (memory.toSeconds() < 1) {
                throw new IllegalArgumentException("memory must be at least a second, was " + memory);
            }
            RedisConnector r = redis;
            if (r == null && stores != null) {
                r = StoresRedis.of(stores, Purpose.SESSIONS).orElse(null);
            }
            Store store = r != null ? new RedisOriginStore(r, clock) : new InMemoryOriginStore(clock);
            return new LoginOrigins(store, capacity, memory);
        }
    }
}
