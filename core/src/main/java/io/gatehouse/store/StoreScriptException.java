package io.gatehouse.store;

/** A server-side script failed while running (a {@code redis.error_reply}, or a runtime error in the script). */
public class StoreScriptException extends StoreCommandException {
    private static final long serialVersionUID = 1L;

    private final String script;

    public StoreScriptException(String target, String script, String message) {
        super(target, message);
        this.script = script;
    }

    /** The script's name, for example {@code token/rotate}. */
    public String script() {
        return script;
    }
}
