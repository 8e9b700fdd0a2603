package dev.paygate.webhook.messaging;

import dev.paygate.contracts.Topics;
import dev.paygate.contracts.event.CloudEventsKafka;
import dev.paygate.contracts.event.StateChange;
import dev.paygate.support.config.PaygateProperties;
import dev.paygate.support.messaging.DecodedBatch;
import dev.paygate.support.observability.Traces;
import dev.paygate.webhook.delivery.DeliveryWorker;
import dev.paygate.webhook.delivery.EventRecorder;
import java.util.List;
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
class StateChangeListener {

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

    /** A poll's events in one transaction: one commit for the lot (a redelivered event is found and skipped). */
    @KafkaListener(
            id = "webhook-state-changes",
            topics = {Topics.PAYMENT_EVENTS, Topics.REFUND_EVENTS},
            groupId = GROUP,
            concurrency = "${paygate.kafka.concurrency:3}",
            batch = "true",
            properties = "max.poll.records=${paygate.kafka.batch-size:100}")
    public void onStateChanges(List<ConsumerRecord<String, byte[]>> records) {
        DecodedBatch<StateChange> batch = DecodedBatch.decode(records, CloudEventsKafka::fromRecord, "state change");
        List<StateChange> changes = batch.values();
        List<String> traceparents =
                batch.records().stream().map(Traces::traceparent).toList();
        // The listener thread is Kafka's own, not a reactive event loop: waiting here (bounded) commits the offsets
        // only after the events are stored. A failure fails the lot, which is then redelivered.
        EventRecorder.Recorded recorded = changes.isEmpty()
                ? new EventRecorder.Recorded(0, 0, 0)
                : recorder.recordAll(changes, traceparents)
                        .block(properties.getKafka().getCommandTimeout());
        if (recorded == null) {
            throw new IllegalStateException("recording " + changes.size() + " events completed without a result");
        }
        if (recorded.duplicate()) {
            log.debug(
                    "{} of {} events were recorded before; redelivery ignored", recorded.duplicates(), changes.size());
        }
        if (recorded.deliveries() > recorded.handedOver()) {
            // deliveries the senders had no room for now: due for the next claim
            worker.wakeUp();
        }
        // the records before it are stored; the error handler passes a bad one and redelivers the rest
        batch.passUndecodable();
    }
}
