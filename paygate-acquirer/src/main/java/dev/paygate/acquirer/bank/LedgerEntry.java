package dev.paygate.acquirer.bank;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One operation the bank executed.
 *
 * @param type            {@code authorization}, {@code capture}, {@code reduction}, {@code void} or {@code refund}
 * @param reference       the caller's reference: the request's {@code Idempotency-Key}
 * @param authorizationId the authorization it created (if approved) or acted on
 * @param currency        for captures, reductions and voids: the authorization's, if this bank issued it
 * @param outcome         {@code approved}, {@code declined}, {@code requires_action}, {@code captured},
 *                        {@code reduced}, {@code voided}, or a refund's {@code succeeded}, {@code pending},
 *                        {@code failed} as first answered
 * @param bankReference   a refund's reference at the bank (for {@code GET /v1/refunds/{reference}})
 * @param repeats         how many repeated requests with this key were answered this outcome again
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LedgerEntry(
        long sequence,
        String type,
        String reference,
        String authorizationId,
        Long amount,
        String currency,
        String outcome,
        String bankReference,
        Instant time,
        long repeats) {

    LedgerEntry withRepeats(long count) {
        return new LedgerEntry(
                sequence, type, reference, authorizationId, amount, currency, outcome, bankReference, time, count);
    }
}
