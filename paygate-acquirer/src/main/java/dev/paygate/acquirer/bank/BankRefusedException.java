package dev.paygate.acquirer.bank;

import dev.paygate.acquirer.AcquirerRefusedException;

/** The HTTP bank refused a request as wrong (a 4xx): retrying it cannot help. */
public class BankRefusedException extends AcquirerRefusedException {

    private final int status;

    public BankRefusedException(int status, String code, String message) {
        super(code, "The bank refused the request (" + status + " " + code + "): " + message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
