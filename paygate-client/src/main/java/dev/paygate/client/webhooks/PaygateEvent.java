package dev.paygate.client.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paygate.client.model.Payment;
import dev.paygate.client.model.Refund;
import dev.paygate.client.model.Session;
import java.time.OffsetDateTime;

/**
 * A webhook's event, its {@code data.object} typed by the event's kind: {@code payment.*} carries a {@link Payment},
 * {@code refund.*} a {@link Refund}, {@code session.*} a {@link Session}. A type this client does not know yet (one
 * added to Paygate later) is an {@link Other}, with the object as JSON.
 */
public sealed interface PaygateEvent {

    /** The event id ({@code evt_…}), also the {@code webhook-id} of every delivery of it. */
    String id();

    /** As {@code refund.updated}. */
    String type();

    OffsetDateTime created();

    String apiVersion();

    /** The id of the object the event is about. */
    String objectId();

    /** The object's version in this event: a later change has a higher one. */
    long version();

    record PaymentEvent(String id, String type, OffsetDateTime created, String apiVersion, Payment payment)
            implements PaygateEvent {
        @Override
        public String objectId() {
            return payment.getId();
        }

        @Override
        public long version() {
            return payment.getVersion();
        }
    }

    record RefundEvent(String id, String type, OffsetDateTime created, String apiVersion, Refund refund)
            implements PaygateEvent {
        @Override
        public String objectId() {
            return refund.getId();
        }

        @Override
        public long version() {
            return refund.getVersion();
        }
    }

    record SessionEvent(String id, String type, OffsetDateTime created, String apiVersion, Session session)
            implements PaygateEvent {
        @Override
        public String objectId() {
            return session.getId();
        }

        @Override
        public long version() {
            return session.getVersion();
        }
    }

    record Other(String id, String type, OffsetDateTime created, String apiVersion, JsonNode object)
            implements PaygateEvent {
        @Override
        public String objectId() {
            return object.path("id").asText(null);
        }

        @Override
        public long version() {
            return object.path("version").asLong(0);
        }
    }
}
