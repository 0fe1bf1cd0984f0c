package io.gatehouse.server.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.gatehouse.event.SecurityEvent;
import io.gatehouse.server.http.Json;
import java.util.List;
import java.util.Locale;

/**
 * One security event as an RFC 4180 CSV row. A cell that a spreadsheet would run as a formula (starting
 * with {@code = + - @}, tab or carriage return) gets a leading apostrophe: user agents, reasons and account
 * names are typed by strangers (OWASP "CSV injection").
 */
final class EventCsv {
    private EventCsv() {}

    static String row(SecurityEvent e) {
        String details;
        try {
            details = e.details().isEmpty() ? "" : Json.MAPPER.writeValueAsString(e.details());
        } catch (JsonProcessingException x) {
            throw new IllegalStateException("a string map is always JSON", x);
        }
        List<String> cells = List.of(
                e.id(),
                e.time().toString(),
                e.type().code(),
                e.severity().name().toLowerCase(Locale.ROOT),
                e.user().orElse(""),
                e.ip().orElse(""),
                e.userAgent().orElse(""),
                e.reason().orElse(""),
                details);
        StringBuilder row = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                row.append(',');
            }
            row.append(cell(cells.get(i)));
        }
        return row.append("\r\n").toString();
    }

    static String cell(String value) {
        String v = value;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            v = '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }
}
