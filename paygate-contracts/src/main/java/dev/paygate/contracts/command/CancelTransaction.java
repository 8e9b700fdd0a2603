package dev.paygate.contracts.command;

/**
 * The secupay-style {@code POST /api/v2/Payment/Transactions/{id}/cancel} (docs/secupay.md): payment-service decides
 * whether it lowers the authorization, cancels the payment, or — once captured — has a refund made, so a
 * capture racing the call can't make the gateway choose wrongly.
 *
 * @param transactionId  the payment's {@code PCI_} id, as the caller named it
 * @param reduceAmountBy the amount to cancel or refund, in minor units; null for all that remains
 * @param reason         the caller's reason text (already checked against secupay's pattern), or null
 * @param refundId       the id the refund gets if one is made (the gateway assigns every new id)
 */
public record CancelTransaction(
        String commandId,
        String merchantId,
        String paymentId,
        String transactionId,
        Long reduceAmountBy,
        String reason,
        String refundId)
        implements PaymentCommand {

    @Override
    public String key() {
        return paymentId;
    }
}
