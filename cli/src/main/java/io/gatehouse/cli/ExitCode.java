package io.gatehouse.cli;

/** The CLI's exit codes: stable, documented in docs/CLI.md, relied on by scripts. */
final class ExitCode {
    /** Done. */
    static final int OK = 0;
    /** What was named does not exist, or a check found the deployment degraded. */
    static final int NOT_FOUND = 1;
    /** A bad argument or a bad configuration setting. */
    static final int USAGE = 2;
    /** Redis or the user database cannot be reached. */
    static final int UNAVAILABLE = 3;

    private ExitCode() {}
}
