package dev.paygate.gateway.idempotency;

import dev.paygate.contracts.Topics;
import dev.paygate.contracts.command.CommandReply;
import dev.paygate.contracts.json.PaygateJson;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stands in for payment-service on real Kafka, so a test decides when and how each command is answered: it reads
 * {@code paygate.payment-commands.v1} (from the end, on its own thread) and replies on
 * {@code paygate.command-replies.v1} exactly as spring-kafka's request/reply expects, with the command id as
 * {@code kafka_correlationId}. What it does with a command is chosen by {@link #behaviour}, from the command's
 * JSON; a held command is answered later by {@link #reply}.
 */
final class CommandResponder implements AutoCloseable {

    enum Behaviour {
        ANSWER,
        HOLD,
        REFUSE_409,
        FAIL_500
    }

    /** A command as published, with the id its reply must carry. */
    record Command(String commandId, JsonNode json) {

        String reference() {
            JsonNode ref = json.get("merchantReferenceId");
            return ref == null || ref.isNull() ? null : ref.asString();
        }

        String sessionId() {
            return json.get("sessionId").asString();
        }

        String type() {
            return json.get("type").asString();
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaConsumer<String, byte[]> probe;
    private final KafkaProducer<String, byte[]> producer;
    private final List<TopicPartition> partitions;
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final List<Command> received = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    volatile Function<Command, Behaviour> behaviour = command -> Behaviour.ANSWER;

    CommandResponder(String bootstrap) {
        consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        "false"),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        probe = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        "false"),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(),
                new ByteArraySerializer());
        partitions = consumer.partitionsFor(Topics.PAYMENT_COMMANDS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        probe.assign(partitions); // only asked for end offsets, never polled
        // only commands published from now on: other test classes share the broker
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(tp -> positions.put(tp, consumer.position(tp)));
        thread = new Thread(this::loop, "command-responder");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    String commandId = new String(record.headers()
                            .lastHeader(Topics.COMMAND_ID_HEADER)
                            .value());
                    Command command = new Command(commandId, PaygateJson.wire().readTree(record.value()));
                    received.add(command);
                    switch (behaviour.apply(command)) {
                        case ANSWER -> reply(command, CommandReply.ok(commandId, resource(command)));
                        case REFUSE_409 ->
                            reply(
                                    command,
                                    CommandReply.problem(
                                            commandId,
                                            409,
                                            "session_invalid_status",
                                            "The session is not open.",
                                            null));
                        case FAIL_500 ->
                            reply(
                                    command,
                                    CommandReply.problem(
                                            commandId,
                                            500,
                                            "internal_error",
                                            "Something went wrong on our side.",
                                            null));
                        case HOLD -> {
                            // answered later by the test
                        }
                    }
                }
                partitions.forEach(tp -> positions.put(tp, consumer.position(tp)));
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    /** The session as payment-service would render it after the command. */
    static JsonNode resource(Command command) {
        ObjectNode session = PaygateJson.wire().createObjectNode();
        session.put("id", command.sessionId());
        session.put("object", "session");
        session.put("status", command.type().equals("session.expire") ? "expired" : "open");
        if (command.json().has("amount")) {
            session.put("amount", command.json().get("amount").asLong());
            session.put("currency", command.json().get("currency").asString());
        }
        session.put("merchantReferenceId", command.reference());
        return session;
    }

    void reply(Command command, CommandReply reply) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(
                Topics.COMMAND_REPLIES, command.sessionId(), PaygateJson.wire().writeValueAsBytes(reply));
        record.headers().add("kafka_correlationId", command.commandId().getBytes());
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("reply not sent", e);
        }
    }

    /** Every command read so far whose merchantReferenceId is {@code reference}. */
    List<Command> withReference(String reference) {
        return received.stream()
                .filter(c -> Objects.equals(reference, c.reference()))
                .toList();
    }

    List<Command> forSession(String sessionId) {
        return received.stream().filter(c -> sessionId.equals(c.sessionId())).toList();
    }

    /**
     * Returns once every command published so far has been read, so that counting afterwards proves that no
     * other command was published (none is still on its way).
     */
    boolean caughtUp() {
        Map<TopicPartition, Long> ends;
        synchronized (probe) {
            ends = probe.endOffsets(partitions);
        }
        return ends.entrySet().stream().allMatch(e -> positions.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
        probe.close();
    }
}
