package dev.paygate.contracts.command;

/**
 * What a refund made by a secupay transaction cancel carries besides the refund itself: who waits for the
 * answer, and what its description is made of (docs/secupay.md: {@code TA-Code <orig trans_id> (<dd.MM.yy>)|Refund
 * TA-Code <refund trans_id> Teilerstattung|<reason>}).
 *
 * @param answerTo      the cancel command the caller waits on: refund-service answers it a refusal; payment-service
 *                      answers it a success once it has linked the refund to the payment
 * @param parentTransId the original payment's numeric {@code trans_id}
 * @param parentDate    the original payment's date as the description shows it ({@code dd.MM.yy})
 * @param refundTransId the refund's numeric {@code trans_id}
 * @param reason        the caller's reason text, or null
 */
public record SecupayRefund(String answerTo, long parentTransId, String parentDate, long refundTransId, String reason) {

    /** The refund's description: a full refund (all that was received) is a {@code Vollerstattung}. */
    public String description(boolean full) {
        return "TA-Code " + parentTransId + " (" + parentDate + ")|Refund TA-Code " + refundTransId + " "
                + (full ? "Vollerstattung" : "Teilerstattung") + (reason == null ? "" : "|" + reason);
    }
}
