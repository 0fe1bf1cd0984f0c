package io.gatehouse.redis;

import io.gatehouse.store.StoreCommandException;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.StoreFullException;
import io.gatehouse.store.StoreScriptException;
import io.gatehouse.store.StoreTimeoutException;
import io.gatehouse.store.StoreUnavailableException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Turns whatever Lettuce or the JDK threw into one of Gatehouse's {@link StoreException} types. */
final class LettuceErrors {
    private LettuceErrors() {}

    static boolean isNoScript(Throwable t) {
        Throwable e = unwrap(t);
        return e instanceof RedisCommandExecutionException
                && String.valueOf(e.getMessage()).startsWith("NOSCRIPT");
    }

    /** A multi-key call refused because its keys are in different Cluster slots. */
    static boolean isCrossSlot(Throwable t) {
        Throwable e = unwrap(t);
        return e instanceof RedisCommandExecutionException
                && String.valueOf(e.getMessage()).startsWith("CROSSSLOT");
    }

    /**
     * @param script the script's name when the call was a script, else null
     */
    static StoreException translate(String target, String script, Throwable thrown) {
        Throwable e = unwrap(thrown);
        if (e instanceof StoreException se) {
            return se;
        }
        String message = String.valueOf(e.getMessage());
        if (e instanceof RedisCommandTimeoutException || e instanceof TimeoutException) {
            return new StoreTimeoutException(
                    target,
                    "Redis " + target + " did not answer in time (" + (script != null ? "script " + script : "command")
                            + ")");
        }
        if (e instanceof RedisCommandExecutionException) {
            String code = message.contains(" ") ? message.substring(0, message.indexOf(' ')) : message;
            switch (code) {
                case "LOADING", "MASTERDOWN", "CLUSTERDOWN", "READONLY", "TRYAGAIN", "BUSY", "MOVED", "ASK":
                    return new StoreUnavailableException(target, "Redis " + target + " cannot serve now: " + message);
                case "OOM":
                    return new StoreFullException(
                            target,
                            "Redis " + target + " is out of memory and refused "
                                    + (script != null ? "script " + script : "a write") + " (nothing written): "
                                    + message);
                default:
                    break;
            }
            if (script != null
                    && !message.startsWith("NOPERM")
                    && !message.startsWith("CROSSSLOT")
                    && !message.startsWith("NOSCRIPT")) {
                return new StoreScriptException(
                        target, script, "Redis script " + script + " failed on " + target + ": " + message);
            }
            return new StoreCommandException(
                    target,
                    "Redis " + target + " refused " + (script != null ? "script " + script : "a command") + ": "
                            + message);
        }
        if (e instanceof CancellationException) {
            return new StoreUnavailableException(target, "Redis " + target + " call was cancelled");
        }
        if (e instanceof InterruptedException) {
            return new StoreUnavailableException(target, "interrupted while waiting for Redis " + target);
        }
        // RedisConnectionException, "Currently not connected", "Connection closed", channel errors:
        // every other Lettuce or I/O failure means the target could not be used.
        String cause = e instanceof IOException || message.equals("null")
                ? e.getClass().getSimpleName() + ": " + message
                : message;
        return new StoreUnavailableException(target, "Redis " + target + " is unavailable: " + cause);
    }

    static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
