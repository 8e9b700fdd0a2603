package dev.paygate.contracts.event;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Maps {@link StateChange}s to and from Kafka records in CloudEvents binary mode, through the CloudEvents
 * SDK: the attributes travel as {@code ce_*} headers, the resource snapshot as the record value.
 */
public final class CloudEventsKafka {

    /** CloudEvents extension carrying the merchant id (extension names are lower-case alphanumerics). */
    public static final String MERCHANT_EXTENSION = "merchantid";

    public static final String CONTENT_TYPE = "application/json";

    private CloudEventsKafka() {}

    public static CloudEvent toCloudEvent(StateChange change) {
        return CloudEventBuilder.v1()
                .withId(change.id())
                .withType(change.type().wireName())
                .withSource(URI.create(change.source()))
                .withTime(change.time().atOffset(ZoneOffset.UTC))
                .withSubject(change.subject())
                .withExtension(MERCHANT_EXTENSION, change.merchantId())
                .withData(CONTENT_TYPE, change.data().getBytes(StandardCharsets.UTF_8))
                .build();
    }

    /** The Kafka record for a state change on {@code topic}, keyed by {@link StateChange#key()}. */
    public static ProducerRecord<String, byte[]> toRecord(String topic, StateChange change) {
        return KafkaMessageFactory.createWriter(topic, change.key()).writeBinary(toCloudEvent(change));
    }

    /** The binary-mode headers of a state change, as strings (all CloudEvents header values are text). */
    public static Map<String, String> headers(StateChange change) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : toRecord("any", change).headers()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    /** Reads a state change back from a consumed record; fails on a record that is not a valid event. */
    public static StateChange fromRecord(ConsumerRecord<String, byte[]> record) {
        CloudEvent event = KafkaMessageFactory.createReader(record).toEvent();
        Object merchant = event.getExtension(MERCHANT_EXTENSION);
        if (merchant == null || event.getData() == null || event.getTime() == null || event.getSubject() == null) {
            throw new IllegalArgumentException(
                    "state change " + event.getId() + " lacks merchantid, data, time or subject");
        }
        return new StateChange(
                event.getId(),
                EventType.fromWireName(event.getType()),
                event.getSource().toString(),
                event.getTime().toInstant(),
                event.getSubject(),
                merchant.toString(),
                record.key(),
                new String(event.getData().toBytes(), StandardCharsets.UTF_8));
    }
}
