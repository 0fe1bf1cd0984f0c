package io.gatehouse.backup;

/**
 * A backup, verify, restore or prune step failed. The message names the file (or deployment) and the
 * check or step that failed, and never contains a credential.
 */
public class BackupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BackupException(String message) {
        super(message);
    }

    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
