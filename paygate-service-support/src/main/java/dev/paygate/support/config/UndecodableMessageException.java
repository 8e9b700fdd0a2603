package dev.paygate.support.config;

/**
 * A consumed message that can never be processed (not retried; see the error handler in
 * {@link PaygateSupportAutoConfiguration}).
 */
public class UndecodableMessageException extends RuntimeException {

    public UndecodableMessageException(String message) {
        super(message);
    }

    public UndecodableMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
