package dev.paygate.payment.lifecycle.domain;

/** An operation the payment's status doesn't allow: 409 {@code payment_invalid_status}, with the status. */
public class PaymentTransitionRejected extends RuntimeException {

    public PaymentTransitionRejected(String paymentId, String status, PaymentOperation operation) {
        super("Payment " + paymentId + " is " + status + "; it cannot be "
                + switch (operation) {
                    case CONFIRM -> "confirmed";
                    case CAPTURE -> "captured";
                    case CANCEL -> "canceled";
                    case COMPLETE_3DS -> "authenticated";
                    case REDUCE -> "lowered (only an authorized card transaction can be)";
                    case AUTHORIZE -> "authorized";
                }
                + " in that status.");
    }
}
