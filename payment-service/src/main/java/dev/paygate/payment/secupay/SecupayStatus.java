package dev.paygate.payment.secupay;

import dev.paygate.contracts.resource.Payment;
import dev.paygate.contracts.resource.Refund;

/**
 * The one table from our statuses to secupay's {@code status}, {@code status_text}, {@code status_simple} and
 * {@code status_simple_text} (docs/secupay.md). The secupay API's examples fix 6, 10, 118 and the simple codes 1,
 * 5, 10; the rest are ours, and docs/secupay.md shows the same table.
 */
enum SecupayStatus {

    /** A payment waiting for a card or for its confirmation. */
    REQUESTED(1, "Anfrage", 10, "pending"),
    /** A payment whose card the bank declined (it waits for another card). */
    DENIED(2, "abgelehnt", 2, "denied"),
    /** A payment waiting for the payer's 3-D Secure authentication. */
    AUTHENTICATING(3, "Authentifizierung ausstehend", 10, "pending"),
    /** A payment the bank is working on. */
    PROCESSING(4, "in Bearbeitung", 10, "pending"),
    /** An authorized card transaction, not yet captured (also after a partial cancellation, docs/secupay.md). */
    AUTHORIZED(9, "autorisiert", 10, "pending"),
    /** A captured payment, or a refund the bank carried out. */
    COMPLETED(6, "abgeschlossen", 1, "accepted"),
    /** A payment cancelled before capture: the reservation is released. */
    CANCELED(10, "Storniert", 5, "void"),
    /** A refund waiting for the bank. */
    REFUND_PENDING(118, "auf Genehmigung wartend", 10, "pending"),
    /** A refund the bank refused, or reversed after carrying it out. */
    REFUND_FAILED(119, "Erstattung fehlgeschlagen", 2, "denied");

    private final int code;
    private final String text;
    private final int simple;
    private final String simpleText;

    SecupayStatus(int code, String text, int simple, String simpleText) {
        this.code = code;
        this.text = text;
        this.simple = simple;
        this.simpleText = simpleText;
    }

    public int code() {
        return code;
    }

    public String text() {
        return text;
    }

    public int simple() {
        return simple;
    }

    public String simpleText() {
        return simpleText;
    }

    /** A payment's secupay status; {@code declined} when the bank refused its last card. */
    public static SecupayStatus ofPayment(String status, boolean declined) {
        return switch (status) {
            case Payment.REQUIRES_PAYMENT_METHOD -> declined ? DENIED : REQUESTED;
            case Payment.REQUIRES_CONFIRMATION -> REQUESTED;
            case Payment.REQUIRES_ACTION -> AUTHENTICATING;
            case Payment.PROCESSING -> PROCESSING;
            case Payment.REQUIRES_CAPTURE -> AUTHORIZED;
            case Payment.SUCCEEDED -> COMPLETED;
            case Payment.CANCELED -> CANCELED;
            default -> throw new IllegalArgumentException("unknown payment status " + status);
        };
    }

    public static SecupayStatus ofRefund(String status) {
        return switch (status) {
            case Refund.PENDING -> REFUND_PENDING;
            case Refund.SUCCEEDED -> COMPLETED;
            case Refund.FAILED -> REFUND_FAILED;
            default -> throw new IllegalArgumentException("unknown refund status " + status);
        };
    }
}
