package io.gatehouse.server.http;

import io.helidon.common.GenericType;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.mapper.MapperException;
import io.helidon.common.mapper.Value;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A response header whose name and value are constants of this code: validated once, when it is built, instead
 * of on every response. Helidon validates every response header before writing it (the JFR profiles: ~10 % of
 * the CPU of {@code /health/live} and of introspection, most of it re-checking the same constant security
 * headers character by character). That validation stays on for every other header (anything built from request
 * data, such as the request id or CORS headers); this class is only for literals. The wire bytes are Helidon's
 * cached form ({@link HeaderValues#createCached}).
 */
public final class ConstantHeader implements Header {
    private final Header cached;

    private ConstantHeader(Header cached) {
        cached.validate(); // once: an invalid literal fails at class initialisation, in every test
        this.cached = cached;
    }

    /** The header {@code name: value}, validated now. */
    public static Header of(HeaderName name, String value) {
        return new ConstantHeader(HeaderValues.createCached(name, value));
    }

    /** The header {@code name: value}, validated now. */
    public static Header of(String name, String value) {
        return of(HeaderNames.create(name), value);
    }

    /** {@code header}, one of Helidon's cached constants, validated now. */
    public static Header of(Header header) {
        return new ConstantHeader(header);
    }

    /** Validated when built; nothing about it can change since. */
    @Override
    public void validate() {}

    @Override
    public void writeHttp1Header(BufferData buffer) {
        cached.writeHttp1Header(buffer);
    }

    @Override
    public byte[] valueBytes() {
        return cached.valueBytes();
    }

    @Override
    public String name() {
        return cached.name();
    }

    @Override
    public HeaderName headerName() {
        return cached.headerName();
    }

    @Override
    public List<String> allValues() {
        return cached.allValues();
    }

    @Override
    public int valueCount() {
        return cached.valueCount();
    }

    @Override
    public boolean sensitive() {
        return cached.sensitive();
    }

    @Override
    public boolean changing() {
        return cached.changing();
    }

    @Override
    public String get() {
        return cached.get();
    }

    @Override
    public <N> Value<N> as(Class<N> type) throws MapperException {
        return cached.as(type);
    }

    @Override
    public <N> Value<N> as(GenericType<N> type) throws MapperException {
        return cached.as(type);
    }

    @Override
    public <N> Value<N> as(Function<? super String, ? extends N> mapper) {
        return cached.as(mapper);
    }

    @Override
    public Optional<String> asOptional() throws MapperException {
        return cached.asOptional();
    }

    @Override
    public Value<Boolean> asBoolean() {
        return cached.asBoolean();
    }

    @Override
    public Value<String> asString() {
        return cached.asString();
    }

    @Override
    public Value<Integer> asInt() {
        return cached.asInt();
    }

    @Override
    public Value<Long> asLong() {
        return cached.asLong();
    }

    @Override
    public Value<Double> asDouble() {
        return cached.asDouble();
    }

    @Override
    public String toString() {
        return cached.toString();
    }
}
