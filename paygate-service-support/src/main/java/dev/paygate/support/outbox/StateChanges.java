package dev.paygate.support.outbox;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.event.StateChange;
import dev.paygate.contracts.json.PaygateJson;
import java.time.Instant;

/**
 * The one place a service announces a state change: a new event id, the service as the CloudEvents {@code source}
 * ({@code /paygate/<service>}), the resource as it now is as the data, on its topic through the outbox
 * (docs/webhooks.md, "Event types"; docs/architecture.md, "How a state change travels").
 */
public final class StateChanges {

    private final String source;

    /** For the service named {@code serviceName} ({@code paygate.service-name}). */
    public StateChanges(String serviceName) {
        this.source = "/paygate/" + serviceName;
    }

    /** The CloudEvents {@code source} of this service's events. */
    public String source() {
        return source;
    }

    /**
     * An outbox message announcing that {@code subject} (a {@code aggregateType}) of {@code merchantId} changed at
     * {@code time} to {@code resource}; keyed by {@code key} (the payment, so one payment's changes stay in order).
     */
    public OutboxMessage announce(
            String topic,
            String aggregateType,
            EventType type,
            Instant time,
            String subject,
            String merchantId,
            String key,
            Object resource) {
        StateChange change = new StateChange(
                Ids.EVENT.next(),
                type,
                source,
                time,
                subject,
                merchantId,
                key,
                PaygateJson.wire().writeValueAsString(resource));
        return OutboxMessage.event(topic, aggregateType, change);
    }
}
