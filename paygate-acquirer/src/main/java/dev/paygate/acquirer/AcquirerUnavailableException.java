package dev.paygate.acquirer;

/** The bank did not answer in time or answered with an error: nothing is known to have happened there. */
public class AcquirerUnavailableException extends RuntimeException {

    public AcquirerUnavailableException(String message) {
        super(message);
    }
}
