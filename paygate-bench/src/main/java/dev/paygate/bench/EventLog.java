package dev.paygate.bench;

import dev.paygate.contracts.Topics;
import dev.paygate.contracts.json.PaygateJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The state-change topics as an operator's dashboard reads them: every record from the start, indexed by the
 * resource it is about ({@code ce_subject}) and the resource's version, with the event ids ({@code ce_id}) it came
 * under — so a change with no event, or with two, shows.
 */
final class EventLog implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    /** subject → version → distinct event ids. */
    final Map<String, Map<Long, Set<String>>> bySubject = new ConcurrentHashMap<>();
    /** event id → its type. */
    final Map<String, String> types = new ConcurrentHashMap<>();

    long records;

    EventLog(String bootstrap) {
        consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "fault-suite-" + UUID.randomUUID(),
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        partitions = List.of(Topics.PAYMENT_EVENTS, Topics.REFUND_EVENTS).stream()
                .flatMap(t -> consumer.partitionsFor(t, Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(t, p.partition())))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads up to the topics' current end. */
    void catchUp() {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        while (partitions.stream().anyMatch(p -> consumer.position(p, Duration.ofSeconds(30)) < end.get(p))) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                records++;
                String id = header(r, "ce_id");
                String subject = header(r, "ce_subject");
                if (id == null || subject == null || r.value() == null) {
                    continue;
                }
                types.put(id, header(r, "ce_type"));
                long version =
                        PaygateJson.wire().readTree(r.value()).path("version").asLong(-1);
                bySubject
                        .computeIfAbsent(subject, k -> new ConcurrentHashMap<>())
                        .computeIfAbsent(version, k -> ConcurrentHashMap.newKeySet())
                        .add(id);
            }
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
