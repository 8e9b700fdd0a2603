package dev.paygate.webhook.messaging;

import dev.paygate.contracts.Topics;
import dev.paygate.contracts.event.CloudEventsKafka;
import dev.paygate.contracts.event.StateChange;
import dev.paygate.support.config.PaygateProperties;
import dev.paygate.webhook.delivery.DeliveryWorker;
import dev.paygate.webhook.delivery.EventRecorder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes the state-change topics and records each event with its deliveries; it never sends HTTP itself, so a
 * slow or dead endpoint can't hold up the consumer. A record that can't be recorded fails and is retried by the
 * container's error handler (nothing is skipped).
 */
@Component
public class StateChangeListener {

    private static final Logger log = LoggerFactory.getLogger(StateChangeListener.class);
    static final String GROUP = "webhook-dispatcher";

    private final EventRecorder recorder;
    private final DeliveryWorker worker;
    private final PaygateProperties properties;

    public StateChangeListener(EventRecorder recorder, DeliveryWorker worker, PaygateProperties properties) {
        this.recorder = recorder;
        this.worker = worker;
        this.properties = properties;
    }

    @KafkaListener(id = "webhook-state-changes", topics = {Topics.PAYMENT_EVENTS, Topics.REFUND_EVENTS},
            groupId = GROUP, concurrency = "${paygate.kafka.concurrency:3}")
    public void onStateChange(ConsumerRecord<String, byte[]> record) {
        StateChange change = CloudEventsKafka.fromRecord(record);
        // The listener thread is Kafka's own, not a reactive event loop: waiting here (bounded) commits the offset
        // only after the event is stored. A timeout fails the record, which is then retried.
        EventRecorder.Recorded recorded = recorder.record(change).block(properties.getKafka().getCommandTimeout());
        if (recorded == null) {
            throw new IllegalStateException("recording event " + change.id() + " completed without a result");
        }
        if (recorded.duplicate()) {
            log.debug("event {} was recorded before; redelivery ignored", change.id());
        } else if (recorded.deliveries() > 0) {
            worker.wakeUp();
        }
    }
}
