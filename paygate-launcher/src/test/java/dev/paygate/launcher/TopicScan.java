package dev.paygate.launcher;

import dev.paygate.contracts.Topics;
import dev.paygate.devinfra.DevInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads every Paygate topic from the start, values and headers, looking for strings. */
final class TopicScan {

    private TopicScan() {}

    /** The headers (as text) of every record on {@code topic} whose value contains {@code needle}. */
    static List<Map<String, String>> headersOfRecordsContaining(String topic, String needle) {
        List<Map<String, String>> found = new java.util.ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        DevInfrastructure.shared().kafkaBootstrap(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "topic-scan-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null && new String(r.value(), StandardCharsets.UTF_8).contains(needle)) {
                        Map<String, String> headers = new java.util.LinkedHashMap<>();
                        for (Header h : r.headers()) {
                            headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
                        }
                        found.add(headers);
                    }
                }
            }
        }
        return found;
    }

    static boolean anyRecordContains(List<String> needles) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        DevInfrastructure.shared().kafkaBootstrap(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "topic-scan-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = Topics.ALL.stream()
                    .flatMap(t -> consumer.partitionsFor(t).stream().map(p -> new TopicPartition(t, p.partition())))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    StringBuilder text = new StringBuilder();
                    if (r.value() != null) {
                        text.append(new String(r.value(), StandardCharsets.UTF_8));
                    }
                    for (Header h : r.headers()) {
                        text.append(new String(h.value(), StandardCharsets.UTF_8));
                    }
                    if (needles.stream().anyMatch(n -> text.indexOf(n) >= 0)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }
}
