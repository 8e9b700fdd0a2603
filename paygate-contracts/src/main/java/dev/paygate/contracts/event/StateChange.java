package dev.paygate.contracts.event;

import java.time.Instant;
import java.util.Objects;

/**
 * One state change of a session, payment or refund, as carried on the state-change topics: a CloudEvents
 * 1.0 event in binary mode whose data is the full resource snapshot as the API returns it.
 *
 * @param id         the event id ({@code evt_…}), also the webhook id
 * @param type       the event type
 * @param source     the producing service, e.g. {@code /paygate/payment-service}
 * @param time       when the change happened
 * @param subject    the id of the changed resource
 * @param merchantId the merchant the resource belongs to (CloudEvents extension {@code merchantid})
 * @param key        the Kafka key: the payment id, or the session id for sessions
 * @param data       the resource snapshot, JSON
 */
public record StateChange(
        String id,
        EventType type,
        String source,
        Instant time,
        String subject,
        String merchantId,
        String key,
        String data) {

    public StateChange {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(merchantId, "merchantId");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(data, "data");
    }
}
