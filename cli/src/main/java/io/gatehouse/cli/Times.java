package io.gatehouse.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Instants on the command line: {@code 2026-12-01T00:00:00Z}, a UTC day {@code 2026-12-01}, or an age {@code 90m}, {@code 24h}, {@code 7d}. */
final class Times {
    private Times() {}

    static Instant parse(String option, String text, Instant now) {
        try {
            if (text.matches("\\d+[smhd]")) {
                long n = Long.parseLong(text.substring(0, text.length() - 1));
                Duration d = switch (text.charAt(text.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
                return now.minus(d);
            }
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(text);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw CliException.usage(option + " " + text
                    + " is not a time: use 2026-12-01T00:00:00Z, 2026-12-01, or an age such as 24h or 7d");
        }
    }
}
