package dev.paygate.refund.messaging;

import dev.paygate.contracts.Topics;
import dev.paygate.contracts.event.CloudEventsKafka;
import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.event.StateChange;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.refund.bank.PaymentLookup;
import dev.paygate.support.config.PaygateProperties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Learns captured amounts from the payment state-change topic, so most refunds need no call to payment-service.
 * Snapshots carry versions, so a stale one changes nothing.
 */
@Component
class PaymentEventsListener {

    private final PaymentLookup lookup;
    private final PaygateProperties properties;

    public PaymentEventsListener(PaymentLookup lookup, PaygateProperties properties) {
        this.lookup = lookup;
        this.properties = properties;
    }

    @KafkaListener(id = "refund-payment-events", topics = Topics.PAYMENT_EVENTS, groupId = "refund-service-payments")
    public void onPaymentEvent(ConsumerRecord<String, byte[]> record) {
        org.apache.kafka.common.header.Header type = record.headers().lastHeader("ce_type");
        if (type != null
                && EventType.PAYMENT_AMOUNT_UPDATED
                        .wireName()
                        .equals(new String(type.value(), java.nio.charset.StandardCharsets.UTF_8))) {
            return; // told by its header, before the record is decoded: see below
        }
        StateChange change = CloudEventsKafka.fromRecord(record);
        if (!change.type().wireName().startsWith("payment.")) {
            return; // session events: nothing to refund there
        }
        if (change.type() == EventType.PAYMENT_AMOUNT_UPDATED) {
            // refunded totals and lowered authorizations: neither the status nor the amount received moves, and
            // the copy keeps only those (every refund causes one of these; skipping it saves a transaction each)
            return;
        }
        lookup.record(change.merchantId(), PaygateJson.wire().readTree(change.data()))
                .block(properties.getKafka().getCommandTimeout());
    }
}
