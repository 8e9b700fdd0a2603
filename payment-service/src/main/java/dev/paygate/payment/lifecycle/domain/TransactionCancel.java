package dev.paygate.payment.lifecycle.domain;

import dev.paygate.contracts.resource.Payment;

/**
 * The secupay cancel rule: what {@code POST /api/v2/Payment/Transactions/{id}/cancel} does to a payment, decided on
 * the payment as it stands (the bank is called, and the outcome stored, by {@code PaymentCommands}).
 * <ul>
 *   <li>captured ({@code succeeded}): the money comes back as a refund — of {@code reduce_amount_by}, or of all that
 *       is left;</li>
 *   <li>not captured, without {@code reduce_amount_by} or with all that is still reserved: the whole transaction is
 *       canceled (its authorization released at the bank first, when it holds one);</li>
 *   <li>more than is still reserved: refused, {@code amount_exceeds_authorized};</li>
 *   <li>less: the authorization is lowered by that much — once per card transaction; a second time is refused,
 *       {@code transaction_already_reduced}.</li>
 * </ul>
 * "Still reserved" is what can be captured once authorized, else the amount less what was canceled of it.
 */
public sealed interface TransactionCancel {

    /** Captured: refund-service refunds it ({@code reduceBy}, or all that is left). */
    record Refund() implements TransactionCancel {}

    /** Cancel the whole transaction; {@code releaseAtBank}: it holds an authorization to void first. */
    record CancelWhole(boolean releaseAtBank) implements TransactionCancel {}

    /** Lower the authorization by {@code by}. */
    record Reduce(long by) implements TransactionCancel {}

    /** Refused: more than the {@code reserved} amount. */
    record ExceedsReserved(long reserved) implements TransactionCancel {}

    /** Refused: the transaction was lowered once already. */
    record AlreadyReduced(String detail) implements TransactionCancel {}

    /**
     * @param reduceBy {@code reduce_amount_by}, or null
     * @throws PaymentTransitionRejected when the payment can be neither canceled nor refunded in its status
     */
    static TransactionCancel decide(StoredPayment payment, Long reduceBy) {
        if (Payment.SUCCEEDED.equals(payment.status())) {
            return new Refund();
        }
        payment.requireCancelable();
        long reserved = Payment.REQUIRES_CAPTURE.equals(payment.status())
                ? payment.amountCapturable()
                : payment.amount() - payment.amountCanceled();
        if (reduceBy == null || reduceBy == reserved) {
            return new CancelWhole(payment.holdsAuthorization());
        }
        if (reduceBy > reserved) {
            return new ExceedsReserved(reserved);
        }
        try {
            payment.requireReducible(reduceBy);
        } catch (StoredPayment.AlreadyReduced e) {
            return new AlreadyReduced(e.getMessage());
        }
        return new Reduce(reduceBy);
    }
}
