package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.event.EventType;
import io.gatehouse.event.SecurityEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventCsvTest {
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "plain|plain",
                "=HYPERLINK(\"x\")|\"'=HYPERLINK(\"\"x\"\")\"",
                "+1|'+1",
                "-2|'-2",
                "@sum|'@sum",
                "a,b|\"a,b\"",
                "say \"hi\"|\"say \"\"hi\"\"\""
            })
    void cellsAreQuotedAndFormulasDefused(String value, String cell) {
        assertThat(EventCsv.cell(value)).isEqualTo(cell);
    }

    @Test
    void aRowHasEveryColumnAndEndsWithCrLf() {
        SecurityEvent e = SecurityEvent.builder(EventType.LOCKOUT)
                .id("01JEXAMPLE0000000000000000")
                .time(Instant.parse("2026-12-06T04:00:00Z"))
                .ip("192.0.2.1")
                .reason("too many failed logins")
                .userAgent("=cmd|' /C calc'!A0")
                .detail("account", "ann@example.com")
                .build();
        String row = EventCsv.row(e);
        assertThat(row)
                .endsWith("\r\n")
                .startsWith(
                        "01JEXAMPLE0000000000000000,2026-12-06T04:00:00Z,lockout,critical,,192.0.2.1,'=cmd|' /C calc'!A0,too many failed logins,")
                .contains("\"{\"\"account\"\":\"\"ann@example.com\"\"}\"");
    }
}
