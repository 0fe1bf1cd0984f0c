package io.gatehouse.backup;

import java.util.List;

/**
 * What {@code verify} found: one line per check, in order, and the failures among them.
 *
 * @param id       the backup
 * @param checks   every check that ran, passed or not ("0-...rdb.zst.gpg: SHA-256 ok")
 * @param failures the checks that failed, each naming the file and the check
 */
public record VerifyReport(String id, List<String> checks, List<String> failures) {
    public VerifyReport {
        checks = List.copyOf(checks);
        failures = List.copyOf(failures);
    }

    public boolean ok() {
        return failures.isEmpty();
    }
}
