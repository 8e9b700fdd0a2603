package dev.paygate.refund.domain;

import dev.paygate.contracts.resource.Refund;
import java.time.Instant;
import java.util.Map;

/**
 * A refund as refund-service keeps it. Statuses: {@code pending} → {@code succeeded} | {@code failed}, and a
 * bank's later reversal {@code succeeded} → {@code failed}. Each transition bumps the version. Pure: no I/O.
 */
public record StoredRefund(
        String id,
        String paymentId,
        String merchantId,
        long amount,
        String currency,
        String status,
        String reason,
        Map<String, String> metadata,
        String failureReason,
        String description,
        String bankReference,
        long version,
        Instant created,
        Instant updated) {

    public static StoredRefund pending(
            String id,
            String paymentId,
            String merchantId,
            long amount,
            String currency,
            String reason,
            Map<String, String> metadata,
            String description,
            Instant now) {
        return new StoredRefund(
                id,
                paymentId,
                merchantId,
                amount,
                currency,
                Refund.PENDING,
                reason,
                metadata,
                null,
                description,
                null,
                1,
                now,
                now);
    }

    public StoredRefund succeeded(String reference, Instant now) {
        require(Refund.PENDING.equals(status), "succeed");
        return with(Refund.SUCCEEDED, null, reference, now);
    }

    /** Failed at the bank, or reversed after succeeding; either way its amount is refundable again. */
    public StoredRefund failed(String reference, String why, Instant now) {
        require(!Refund.FAILED.equals(status), "fail");
        return with(Refund.FAILED, why, reference, now);
    }

    /** Still pending; the bank's reference is kept for the next status query. */
    public StoredRefund stillPending(String reference, Instant now) {
        require(Refund.PENDING.equals(status), "stay pending");
        return new StoredRefund(
                id,
                paymentId,
                merchantId,
                amount,
                currency,
                status,
                reason,
                metadata,
                failureReason,
                description,
                reference,
                version,
                created,
                now);
    }

    /** Whether its amount counts against the payment's refundable balance. */
    public boolean reservesAmount() {
        return !Refund.FAILED.equals(status);
    }

    private StoredRefund with(String newStatus, String why, String reference, Instant now) {
        return new StoredRefund(
                id,
                paymentId,
                merchantId,
                amount,
                currency,
                newStatus,
                reason,
                metadata,
                why,
                description,
                reference,
                version + 1,
                created,
                now);
    }

    private void require(boolean allowed, String what) {
        if (!allowed) {
            throw new IllegalStateException("refund " + id + " is " + status + " and cannot " + what);
        }
    }

    public Refund toResource() {
        return new Refund(
                amount,
                created,
                currency,
                id,
                paymentId,
                status,
                reason,
                metadata,
                failureReason,
                description,
                version);
    }
}
