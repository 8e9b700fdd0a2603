package dev.paygate.acquirer;

import reactor.core.publisher.Mono;

/**
 * Port to the acquirer (the bank): authorization, capture, void, refund. Every call either answers within the
 * adapter's timeout or fails with {@link AcquirerUnavailableException}, so a slow bank never blocks a
 * caller for longer than that.
 */
public interface Acquirer {

    /**
     * Asks the bank to reserve {@code amount} on the card.
     *
     * @param reference        our payment id, so the bank can deduplicate retries
     * @param threeDsCompleted whether the payer has passed 3-D Secure for this payment
     */
    Mono<Authorization> authorize(
            String reference, CardToken card, long amount, String currency, boolean threeDsCompleted);

    /** Takes {@code amount} (at most the authorized amount) from an authorization; the rest is released. */
    Mono<Void> capture(String authorizationId, long amount);

    /**
     * Releases {@code amount} of an authorization and keeps the rest reserved (a partial cancellation before
     * capture: the card limit is restored by that much).
     */
    Mono<Void> reduceAuthorization(String authorizationId, long amount);

    /** Releases an authorization in full (a cancellation before capture). */
    Mono<Void> voidAuthorization(String authorizationId);

    /** Pays {@code amount} of a captured payment back; the answer may be final or pending. */
    Mono<RefundOutcome> refund(RefundRequest refund);

    /** Asks again about a refund the bank answered pending (or that might have been reversed). */
    Mono<RefundOutcome> refundStatus(String reference);
}
