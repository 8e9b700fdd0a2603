package dev.paygate.acquirer;

/**
 * The bank refused a request as wrong (an authorization it never issued, a token it doesn't know, a reference reused
 * for another request): it executed nothing, and asking again cannot help. Unlike
 * {@link AcquirerUnavailableException}, the outcome is known — nothing happened — so a caller answers it at once
 * instead of retrying.
 */
public class AcquirerRefusedException extends IllegalArgumentException {

    private final String code;

    /** @param code the bank's machine-readable reason, e.g. {@code idempotency_key_reused} */
    public AcquirerRefusedException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** The bank's error code, e.g. {@code idempotency_key_reused}. */
    public String code() {
        return code;
    }
}
