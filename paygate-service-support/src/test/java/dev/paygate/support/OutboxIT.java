package dev.paygate.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import dev.paygate.devinfra.TopicCreator;
import dev.paygate.support.outbox.InboxProcessor;
import dev.paygate.support.outbox.Outbox;
import dev.paygate.support.outbox.OutboxMessage;
import dev.paygate.support.outbox.OutboxRelay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * The outbox on real PostgreSQL and Kafka. The fallback poll is set to an hour, so anything published
 * within seconds was published because a commit woke the relay up.
 */
@SpringBootTest(classes = SupportTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class OutboxIT {

    static final String TOPIC = "paygate.support-it.v1";
    static final Infrastructure INFRA = DevInfrastructure.shared();
    static final String DB_URL = INFRA.createDatabase("support_it_" + Long.toHexString(System.nanoTime()));

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TopicCreator.create(INFRA.kafkaBootstrap(), List.of(TOPIC), 3, Duration.ofSeconds(30));
        registry.add("spring.kafka.bootstrap-servers", INFRA::kafkaBootstrap);
        registry.add("paygate.db.url", () -> DB_URL);
        registry.add("paygate.db.user", INFRA::dbUser);
        registry.add("paygate.db.password", INFRA::dbPassword);
        registry.add("paygate.db.schema", () -> "support");
        registry.add("paygate.db.migrations", () -> "classpath:db/support");
        registry.add("paygate.outbox.poll-interval", () -> "1h");
        registry.add("paygate.outbox.batch-size", () -> "7");
    }

    @Autowired
    Outbox outbox;

    @Autowired
    OutboxRelay relay;

    @Autowired
    InboxProcessor inboxProcessor;

    @Autowired
    TransactionalOperator tx;

    @Autowired
    DatabaseClient db;

    KafkaConsumer<String, byte[]> consumer;

    @BeforeEach
    void subscribe() {
        consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        INFRA.kafkaBootstrap(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "outbox-it-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "latest"),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(TOPIC));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            consumer.poll(Duration.ofMillis(100));
            return !consumer.assignment().isEmpty();
        });
    }

    @AfterEach
    void close() {
        // whatever a test left to publish goes out now, not into the next test's consumer
        relay.wakeUp();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> db.sql("SELECT count(*) AS n FROM outbox WHERE published_at IS NULL")
                                .map(row -> row.get("n", Long.class))
                                .one()
                                .block()
                        == 0L);
        consumer.close();
    }

    static OutboxMessage message(String key, String payload) {
        return new OutboxMessage(
                "test",
                key,
                "test.happened",
                TOPIC,
                key,
                Map.of("ce_id", payload, "content-type", "application/json"),
                "{\"n\":\"" + payload + "\"}");
    }

    List<ConsumerRecord<String, byte[]>> receive(int count, Duration within) {
        List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
        await().atMost(within).pollInterval(Duration.ofMillis(10)).until(() -> {
            consumer.poll(Duration.ofMillis(50)).forEach(received::add);
            return received.size() >= count;
        });
        return received;
    }

    @Test
    void committedMessagesArePublishedPromptlyInOrderWithTheirHeaders() {
        String key = "p_" + UUID.randomUUID();
        List<OutboxMessage> messages = IntStream.range(0, 20)
                .mapToObj(i -> message(key, key + "-" + i))
                .toList();

        StepVerifier.create(tx.transactional(outbox.append(messages)).then(Mono.fromRunnable(relay::wakeUp)))
                .verifyComplete();

        // 20 rows in batches of 7: the relay keeps draining while batches are full
        List<ConsumerRecord<String, byte[]>> received = receive(20, Duration.ofSeconds(10));
        assertThat(received)
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(
                        messages.stream().map(OutboxMessage::payload).toList());
        assertThat(received).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo(key);
            assertThat(new String(r.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8))
                    .isEqualTo("application/json");
        });
        // rows are marked published in the relay's transaction after Kafka acknowledged them, so a consumer can
        // see the last batch a moment before its rows are marked
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> db.sql("SELECT count(*) AS n FROM outbox WHERE published_at IS NULL")
                                .map(row -> row.get("n", Long.class))
                                .one()
                                .block()
                        == 0L);
    }

    @Autowired
    org.springframework.kafka.core.KafkaTemplate<String, byte[]> kafka;

    long unpublished() {
        return db.sql("SELECT count(*) AS n FROM outbox WHERE published_at IS NULL")
                .map(row -> row.get("n", Long.class))
                .one()
                .block(Duration.ofSeconds(10));
    }

    @Test
    void rowsWhoseSendFailedStayUnpublishedAndGoOutLater() {
        relay.stop();
        String key = "p_" + UUID.randomUUID();
        List<OutboxMessage> messages =
                IntStream.range(0, 5).mapToObj(i -> message(key, key + "-" + i)).toList();
        StepVerifier.create(tx.transactional(outbox.append(messages))).verifyComplete();

        // a relay whose broker is not there: the rows it marked in its transaction are unmarked with it
        var nowhere = new org.springframework.kafka.core.KafkaTemplate<String, byte[]>(
                new org.springframework.kafka.core.DefaultKafkaProducerFactory<>(Map.<String, Object>of(
                        org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        "127.0.0.1:1",
                        org.apache.kafka.clients.producer.ProducerConfig.MAX_BLOCK_MS_CONFIG,
                        300,
                        org.apache.kafka.clients.producer.ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                        org.apache.kafka.common.serialization.StringSerializer.class,
                        org.apache.kafka.clients.producer.ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                        org.apache.kafka.common.serialization.ByteArraySerializer.class)));
        try {
            StepVerifier.create(new OutboxRelay(db, tx, nowhere, 7, Duration.ofHours(1), Duration.ofSeconds(2)).drain())
                    .expectError()
                    .verify(Duration.ofSeconds(30));
        } finally {
            nowhere.destroy();
        }
        assertThat(unpublished()).isEqualTo(5);

        relay.start();
        assertThat(receive(5, Duration.ofSeconds(10)))
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(
                        messages.stream().map(OutboxMessage::payload).toList());
    }

    @Test
    void twoRelaysAtOncePublishEachRowOnceInOrder() {
        relay.stop();
        String key = "p_" + UUID.randomUUID();
        List<OutboxMessage> messages = IntStream.range(0, 40)
                .mapToObj(i -> message(key, key + "-" + i))
                .toList();
        StepVerifier.create(tx.transactional(outbox.append(messages))).verifyComplete();

        // another instance's relay on the same outbox, both draining at once until nothing is left
        OutboxRelay other = new OutboxRelay(db, tx, kafka, 7, Duration.ofHours(1), Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Flux.merge(
                            relay.drain().subscribeOn(Schedulers.parallel()),
                            other.drain().subscribeOn(Schedulers.parallel()))
                    .blockLast(Duration.ofSeconds(10));
            return unpublished() == 0;
        });

        List<ConsumerRecord<String, byte[]>> received = receive(40, Duration.ofSeconds(10));
        // anything more would come within the next poll: none does
        received.addAll(consumer.poll(Duration.ofMillis(500))
                .records(new org.apache.kafka.common.TopicPartition(
                        received.get(0).topic(), received.get(0).partition())));
        assertThat(received)
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(
                        messages.stream().map(OutboxMessage::payload).toList());
        relay.start();
    }

    @Test
    void aRolledBackTransactionPublishesNothing() {
        String key = "p_" + UUID.randomUUID();
        Mono<Void> failing =
                outbox.append(message(key, "rolled-back")).then(Mono.error(new IllegalStateException("change failed")));

        StepVerifier.create(tx.transactional(failing))
                .expectError(IllegalStateException.class)
                .verify();
        StepVerifier.create(tx.transactional(outbox.append(message(key, "committed")))
                        .then(Mono.fromRunnable(relay::wakeUp)))
                .verifyComplete();

        List<ConsumerRecord<String, byte[]>> received = receive(1, Duration.ofSeconds(10));
        assertThat(received)
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("{\"n\":\"committed\"}");
    }

    @Test
    void rowsWrittenWhileTheRelayIsDownArePublishedWhenItStarts() {
        relay.stop();
        String key = "p_" + UUID.randomUUID();
        StepVerifier.create(tx.transactional(outbox.append(List.of(message(key, "a"), message(key, "b")))))
                .verifyComplete();
        assertThat(consumer.poll(Duration.ofMillis(500))).isEmpty();

        relay.start();

        assertThat(receive(2, Duration.ofSeconds(10)))
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("{\"n\":\"a\"}", "{\"n\":\"b\"}");
    }

    @Test
    void aRedeliveredMessageIsAppliedOnceEvenWhenDeliveredConcurrently() {
        String messageId = "cmd_" + UUID.randomUUID();
        String key = "p_" + UUID.randomUUID();

        Flux<Boolean> eightDeliveries = Flux.range(0, 8)
                .flatMap(
                        i -> inboxProcessor
                                .applyOnce("outbox-it", messageId, () -> Mono.just(List.of(message(key, "applied"))))
                                .subscribeOn(Schedulers.parallel()),
                        8);

        StepVerifier.create(eightDeliveries.filter(applied -> applied).count())
                .expectNext(1L)
                .verifyComplete();
        StepVerifier.create(db.sql("SELECT count(*) AS n FROM outbox WHERE message_key = :key")
                        .bind("key", key)
                        .map(row -> row.get("n", Long.class))
                        .one())
                .expectNext(1L)
                .verifyComplete();
        assertThat(receive(1, Duration.ofSeconds(10))).hasSize(1);
    }

    @Test
    void aFailedChangeLeavesNoInboxRowSoTheRedeliveryAppliesIt() {
        String messageId = "cmd_" + UUID.randomUUID();
        String key = "p_" + UUID.randomUUID();

        StepVerifier.create(inboxProcessor.applyOnce(
                        "outbox-it", messageId, () -> Mono.error(new IllegalStateException("database hiccup"))))
                .expectError(IllegalStateException.class)
                .verify();
        StepVerifier.create(inboxProcessor.applyOnce(
                        "outbox-it", messageId, () -> Mono.just(List.of(message(key, "second-try")))))
                .expectNext(true)
                .verifyComplete();
    }

    @Test
    void aCommandThatArrivesAgainGetsItsFirstReplyAgainAndNothingElse() {
        String commandId = "cmd_" + UUID.randomUUID();
        String key = "p_" + UUID.randomUUID();
        OutboxMessage event = message(key, "event-of-" + commandId);
        OutboxMessage reply = new OutboxMessage(
                "reply",
                commandId,
                "command.reply",
                TOPIC,
                key,
                Map.of("kafka_correlationId", commandId),
                "{\"reply\":\"" + commandId + "\"}");

        StepVerifier.create(inboxProcessor.applyOnce("outbox-it", commandId, () -> Mono.just(List.of(event, reply))))
                .expectNext(true)
                .verifyComplete();
        assertThat(receive(2, Duration.ofSeconds(10)))
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly(event.payload(), reply.payload());

        // the same command again, once alone and once in a batch: no change runs, the reply is published again
        StepVerifier.create(inboxProcessor.applyOnce(
                        "outbox-it", commandId, () -> Mono.error(new AssertionError("a command is applied once"))))
                .expectNext(false)
                .verifyComplete();
        StepVerifier.create(inboxProcessor.applyAllOnce(
                        "outbox-it",
                        List.of(commandId),
                        id -> id,
                        id -> Mono.error(new AssertionError("a command is applied once"))))
                .expectNext(0)
                .verifyComplete();

        List<ConsumerRecord<String, byte[]>> again = receive(2, Duration.ofSeconds(10));
        assertThat(again)
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly(reply.payload(), reply.payload());
        assertThat(new String(
                        again.get(0).headers().lastHeader("kafka_correlationId").value(), StandardCharsets.UTF_8))
                .isEqualTo(commandId);
    }

    @Test
    void aRepeatedMessageWithoutAReplyPublishesNothing() {
        String messageId = "evt_" + UUID.randomUUID();
        String key = "p_" + UUID.randomUUID();
        StepVerifier.create(inboxProcessor.applyOnce(
                        "outbox-it", messageId, () -> Mono.just(List.of(message(key, "once")))))
                .expectNext(true)
                .verifyComplete();
        assertThat(receive(1, Duration.ofSeconds(10))).hasSize(1);

        StepVerifier.create(inboxProcessor.applyOnce(
                        "outbox-it", messageId, () -> Mono.just(List.of(message(key, "twice")))))
                .expectNext(false)
                .verifyComplete();
        relay.wakeUp();
        StepVerifier.create(db.sql("SELECT count(*) AS n FROM outbox WHERE message_key = :key")
                        .bind("key", key)
                        .map(row -> row.get("n", Long.class))
                        .one())
                .expectNext(1L)
                .verifyComplete();
    }

    @Test
    void aCommandThatOnlyFailedWithA5xxChangedNothingAndRunsAgainUnderItsId() {
        String commandId = "cmd_" + UUID.randomUUID();
        String key = "p_" + UUID.randomUUID();
        OutboxMessage bankDown = new OutboxMessage(
                "reply",
                commandId,
                "command.reply",
                TOPIC,
                key,
                Map.of(),
                "{\"commandId\":\"" + commandId + "\",\"status\":502,\"code\":\"acquirer_unavailable\"}");
        OutboxMessage refused = new OutboxMessage(
                "reply",
                commandId,
                "command.reply",
                TOPIC,
                key,
                Map.of(),
                "{\"commandId\":\"" + commandId + "\",\"status\":409,\"code\":\"payment_invalid_status\"}");

        StepVerifier.create(inboxProcessor.applyOnce("outbox-it", commandId, () -> Mono.just(List.of(bankDown))))
                .expectNext(true)
                .verifyComplete();
        // the bank is back: the same command runs again, and its outcome (here a refusal) is final
        StepVerifier.create(inboxProcessor.applyOnce("outbox-it", commandId, () -> Mono.just(List.of(refused))))
                .expectNext(true)
                .verifyComplete();
        StepVerifier.create(inboxProcessor.applyOnce(
                        "outbox-it", commandId, () -> Mono.error(new AssertionError("a final outcome is kept"))))
                .expectNext(false)
                .verifyComplete();
        assertThat(OutboxMessage.onlyRetryableFailure(List.of(bankDown))).isTrue();
        assertThat(OutboxMessage.onlyRetryableFailure(List.of(bankDown, message(key, "an event"))))
                .isFalse();
        assertThat(OutboxMessage.onlyRetryableFailure(List.of(refused))).isFalse();
    }
}
