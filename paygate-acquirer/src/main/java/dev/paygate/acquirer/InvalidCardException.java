package dev.paygate.acquirer;

/** A card that can't be tokenized (bad number, past expiry, bad CVC); {@code param} names the field. */
public class InvalidCardException extends RuntimeException {

    private final String param;

    public InvalidCardException(String message, String param) {
        super(message);
        this.param = param;
    }

    public String param() {
        return param;
    }
}
