package dev.paygate.acquirer.bank;

/**
 * The bank refused a request as wrong (a 4xx): retrying it cannot help. An {@link IllegalArgumentException}, as the
 * in-process simulator throws for a token or reference it never issued.
 */
public class BankRefusedException extends IllegalArgumentException {

    private final int status;
    private final String code;

    public BankRefusedException(int status, String code, String message) {
        super("The bank refused the request (" + status + " " + code + "): " + message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    /** The bank's error code, e.g. {@code idempotency_key_reused}. */
    public String code() {
        return code;
    }
}
