package dev.paygate.acquirer;

/** The bank did not answer in time or answered with an error: nothing is known to have happened there. */
public class AcquirerUnavailableException extends RuntimeException {

    public AcquirerUnavailableException(String message) {
        super(message);
    }

    /** @param cause what the adapter saw (a refused connection, a read timeout), kept for the logs */
    public AcquirerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
