package dev.paygate.payment.session.domain;

import dev.paygate.contracts.resource.CustomerDetails;
import dev.paygate.contracts.resource.Session;
import java.time.Instant;
import java.util.Map;

/** A session as payment-service keeps it: the resource plus its owner. Pure state; no I/O. */
public record StoredSession(
        String id,
        String merchantId,
        long amount,
        String currency,
        CustomerDetails customerDetails,
        Instant expiresAt,
        String failureUrl,
        String successUrl,
        String locale,
        String merchantReferenceId,
        Map<String, String> metadata,
        String captureMethod,
        String status,
        String paymentStatus,
        String paymentId,
        long version,
        Instant created,
        Instant updated) {

    /** Only an {@code open} session can be expired; {@code completed} and {@code expired} are final. */
    public StoredSession expire(Instant now) {
        if (!Session.STATUS_OPEN.equals(status)) {
            throw new SessionTransitionRejected(id, status, "expire");
        }
        return new StoredSession(
                id,
                merchantId,
                amount,
                currency,
                customerDetails,
                expiresAt,
                failureUrl,
                successUrl,
                locale,
                merchantReferenceId,
                metadata,
                captureMethod,
                Session.STATUS_EXPIRED,
                paymentStatus,
                paymentId,
                version + 1,
                created,
                now);
    }

    /** Paid: only an {@code open} session that has not reached {@code expiresAt} can be completed. */
    public StoredSession complete(String payment, Instant now) {
        if (!Session.STATUS_OPEN.equals(status) || !now.isBefore(expiresAt)) {
            throw new SessionTransitionRejected(
                    id, Session.STATUS_OPEN.equals(status) ? "past its expiry" : status, "complete");
        }
        return new StoredSession(
                id,
                merchantId,
                amount,
                currency,
                customerDetails,
                expiresAt,
                failureUrl,
                successUrl,
                locale,
                merchantReferenceId,
                metadata,
                captureMethod,
                Session.STATUS_COMPLETE,
                Session.PAYMENT_PAID,
                payment,
                version + 1,
                created,
                now);
    }

    public Session toResource() {
        return new Session(
                id,
                amount,
                created,
                currency,
                customerDetails,
                expiresAt,
                failureUrl,
                locale,
                merchantReferenceId,
                metadata,
                new Session.PaymentData(captureMethod),
                paymentStatus,
                status,
                successUrl,
                paymentId,
                version);
    }
}
