package io.gatehouse.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.WritableHeaders;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Constant response headers: validated when built, written as Helidon writes its cached headers. */
class ConstantHeaderTest {
    private static String wire(Header h) {
        BufferData b = BufferData.growing(64);
        h.writeHttp1Header(b);
        return new String(b.readBytes(), StandardCharsets.US_ASCII);
    }

    @Test
    void writesTheSameBytesAndValuesAsHelidonsCachedHeader() {
        Header ours = ConstantHeader.of("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        Header helidon =
                HeaderValues.createCached("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        assertThat(wire(ours))
                .isEqualTo(wire(helidon))
                .isEqualTo("Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n");
        assertThat(ours.name()).isEqualTo(helidon.name());
        assertThat(ours.headerName()).isEqualTo(helidon.headerName());
        assertThat(ours.get()).isEqualTo(helidon.get());
        assertThat(ours.allValues()).isEqualTo(helidon.allValues());
        assertThat(ours.valueCount()).isEqualTo(1);
        assertThat(ours.valueBytes()).isEqualTo(helidon.valueBytes());
        assertThat(ConstantHeader.of(HeaderValues.CONTENT_TYPE_JSON).get()).isEqualTo("application/json");
    }

    @Test
    void setOnResponseHeadersItIsTheValueThere() {
        WritableHeaders<?> headers = WritableHeaders.create();
        headers.set(ConstantHeader.of(HeaderNames.PRAGMA, "no-cache"));
        assertThat(headers.get(HeaderNames.PRAGMA).get()).isEqualTo("no-cache");
        assertThat(headers.contains(HeaderNames.PRAGMA)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad\r\nInjected: yes", "bad\nvalue", "nul\u0000", "del\u007f"})
    void anInvalidValueFailsWhenBuiltNotWhenSent(String value) {
        assertThatThrownBy(() -> ConstantHeader.of("X-Test", value)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bad Name", "Bad:Name", "Bad(Name)", "Bad\"Name"})
    void anInvalidNameFailsWhenBuilt(String name) {
        assertThatThrownBy(() -> ConstantHeader.of(name, "v")).isInstanceOf(IllegalArgumentException.class);
    }
}
