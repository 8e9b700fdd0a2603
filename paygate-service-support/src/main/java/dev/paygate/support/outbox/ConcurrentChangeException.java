package dev.paygate.support.outbox;

/**
 * A command's writes found the row changed since the command read it (its version moved on), or another command
 * has an operation under way on it: nothing was written, and running the command again from the start (reading
 * anew, deciding anew) is safe.
 */
public class ConcurrentChangeException extends IllegalStateException {

    public ConcurrentChangeException(String message) {
        super(message);
    }
}
