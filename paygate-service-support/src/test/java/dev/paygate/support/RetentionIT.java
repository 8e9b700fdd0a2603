package dev.paygate.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.paygate.contracts.Topics;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import dev.paygate.devinfra.TopicCreator;
import dev.paygate.support.outbox.InboxProcessor;
import dev.paygate.support.outbox.OutboxMessage;
import dev.paygate.support.outbox.OutboxRelay;
import dev.paygate.support.retention.RedeliveryWindowCheck;
import dev.paygate.support.retention.Retention;
import dev.paygate.support.retention.RetentionRule;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * Retention on real PostgreSQL and Kafka: each purge deletes exactly what is past its window, never what a replay
 * (a command sent again) or a redelivery still needs, several instances purge at once without deleting a row twice,
 * and an inbox window that a redelivery could outlive stops the service at start-up.
 */
@SpringBootTest(classes = SupportTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class RetentionIT {

    static final String TOPIC = "paygate.retention-it.v1";
    static final Infrastructure INFRA = DevInfrastructure.shared();
    static final String DB_URL = INFRA.createDatabase("retention_it_" + Long.toHexString(System.nanoTime()));

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
        // purges run when a test says so
        registry.add("paygate.retention.interval", () -> "1h");
    }

    @Autowired
    Retention retention;

    @Autowired
    InboxProcessor inboxProcessor;

    @Autowired
    OutboxRelay relay;

    @Autowired
    DatabaseClient db;

    RetentionRule rule(String table) {
        return retention.rules().stream()
                .filter(r -> r.table().equals(table))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theDefaultsAreThoseTheReadmeStates() {
        assertThat(rule("outbox").window()).isEqualTo(Duration.ofHours(48));
        assertThat(rule("inbox").window()).isEqualTo(Duration.ofDays(15));
        assertThat(rule("inbox").redeliveredFrom())
                .containsExactlyInAnyOrder(
                        Topics.PAYMENT_COMMANDS, Topics.REFUND_COMMANDS, Topics.PAYMENT_EVENTS, Topics.REFUND_EVENTS);
    }

    @Test
    void publishedOutboxRowsGoAfterTheirWindowAndNothingElseDoes() {
        String mark = "ret-" + UUID.randomUUID();
        insertOutbox(mark + "-old", "now() - interval '49 hours'", "now() - interval '49 hours'");
        insertOutbox(mark + "-older", "now() - interval '30 days'", "now() - interval '30 days'");
        insertOutbox(mark + "-kept", "now() - interval '47 hours'", "now() - interval '47 hours'");
        // never published (Kafka was away): whatever its age, the relay still has to send it
        insertOutbox(mark + "-unpublished", "now() - interval '60 days'", "NULL");

        assertThat(retention.purge(rule("outbox")).block(Duration.ofSeconds(10)))
                .isEqualTo(2L);

        assertThat(outboxRows(mark)).containsExactlyInAnyOrder(mark + "-kept", mark + "-unpublished");
        relay.wakeUp(); // the old unpublished row goes out now, not into another test
    }

    @Test
    void aCommandSentAgainInsideTheOutboxWindowGetsItsFirstReplyAfterThePurgeAndNothingRunsTwice() {
        String commandId = "cmd-" + UUID.randomUUID();
        AtomicInteger runs = new AtomicInteger();
        OutboxMessage reply = new OutboxMessage(
                "reply",
                commandId,
                "command.reply",
                TOPIC,
                commandId,
                Map.of("kafka_correlationId", commandId),
                "{\"reply\":\"" + commandId + "\"}");
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            StepVerifier.create(apply(commandId, runs, reply)).expectNext(true).verifyComplete();
            assertThat(receive(consumer, commandId, 1)).containsExactly(reply.payload());
            await().atMost(Duration.ofSeconds(10)).until(() -> published(commandId));

            // the command's inbox row and reply are 47 hours old: inside both windows, so the purge keeps them
            age("UPDATE outbox SET published_at = now() - interval '47 hours' WHERE aggregate_id = :id", commandId);
            age("UPDATE inbox SET received_at = now() - interval '47 hours' WHERE message_id = :id", commandId);
            retention.runOnce().block(Duration.ofSeconds(30));

            // its gateway died before answering, and the retry with the same Idempotency-Key sends it again
            StepVerifier.create(apply(commandId, runs, reply)).expectNext(false).verifyComplete();
            assertThat(receive(consumer, commandId, 1)).containsExactly(reply.payload());
            assertThat(runs).hasValue(1);

            // past the outbox window the reply is gone (the gateway forgot the key long before): the command still
            // runs no second time, there is just no reply to repeat
            age("UPDATE outbox SET published_at = now() - interval '49 hours' WHERE aggregate_id = :id", commandId);
            retention.purge(rule("outbox")).block(Duration.ofSeconds(10));
            assertThat(outboxRows(commandId)).isEmpty();
            StepVerifier.create(apply(commandId, runs, reply)).expectNext(false).verifyComplete();
            assertThat(runs).hasValue(1);
        }
    }

    @Test
    void inboxRowsGoAfterTheirWindowAndARedeliveryInsideItIsAppliedOnce() {
        String kept = "msg-" + UUID.randomUUID();
        String gone = "msg-" + UUID.randomUUID();
        AtomicInteger applied = new AtomicInteger();
        for (String id : List.of(kept, gone)) {
            StepVerifier.create(inboxProcessor.applyOnce(
                            "retention-it",
                            id,
                            () -> Mono.fromSupplier(() -> {
                                applied.incrementAndGet();
                                return List.of();
                            })))
                    .expectNext(true)
                    .verifyComplete();
        }
        age("UPDATE inbox SET received_at = now() - interval '14 days 23 hours' WHERE message_id = :id", kept);
        age("UPDATE inbox SET received_at = now() - interval '15 days 1 hour' WHERE message_id = :id", gone);

        assertThat(retention.purge(rule("inbox")).block(Duration.ofSeconds(10))).isEqualTo(1L);

        assertThat(inboxRows(kept, gone)).containsExactly(kept);
        // redelivered inside the window (its consumer group's offsets were reset): found, not applied again
        StepVerifier.create(inboxProcessor.applyOnce(
                        "retention-it",
                        kept,
                        () -> Mono.fromSupplier(() -> {
                            applied.incrementAndGet();
                            return List.of();
                        })))
                .expectNext(false)
                .verifyComplete();
        assertThat(applied).hasValue(2);
    }

    @Test
    void severalInstancesPurgingAtOnceDeleteEveryOldRowOnceAndNoNewOne() {
        retention.purge(rule("inbox")).block(Duration.ofSeconds(30)); // what other tests left past the window
        String consumer = "concurrent-" + UUID.randomUUID();
        db.sql(
                        "INSERT INTO inbox (consumer, message_id, received_at) SELECT :c, 'old-' || n, now() - interval '20 days'"
                                + " FROM generate_series(1, 3000) n")
                .bind("c", consumer)
                .fetch()
                .rowsUpdated()
                .block(Duration.ofSeconds(30));
        db.sql("INSERT INTO inbox (consumer, message_id) SELECT :c, 'new-' || n FROM generate_series(1, 50) n")
                .bind("c", consumer)
                .fetch()
                .rowsUpdated()
                .block(Duration.ofSeconds(30));
        List<Retention> instances = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            instances.add(new Retention(
                    db,
                    List.of(rule("inbox")),
                    100,
                    1_000,
                    Duration.ofHours(1),
                    check(Duration.ofHours(1)),
                    new SimpleMeterRegistry()));
        }

        List<Long> deleted = reactor.core.publisher.Flux.fromIterable(instances)
                .flatMap(r -> r.purge(rule("inbox")).subscribeOn(Schedulers.parallel()))
                .collectList()
                .block(Duration.ofSeconds(60));

        assertThat(deleted.stream().mapToLong(Long::longValue).sum()).isEqualTo(3000L);
        assertThat(db.sql(
                                "SELECT count(*) FILTER (WHERE message_id LIKE 'old-%') AS old,"
                                        + " count(*) FILTER (WHERE message_id LIKE 'new-%') AS new FROM inbox WHERE consumer = :c")
                        .bind("c", consumer)
                        .map(row -> List.of(row.get("old", Long.class), row.get("new", Long.class)))
                        .one()
                        .block(Duration.ofSeconds(10)))
                .containsExactly(0L, 50L);
    }

    @Test
    void aRunCountsWhatItPurgedAndShowsTheOldestRowsAge() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Retention own = new Retention(
                db, List.of(rule("inbox")), 10, 1_000, Duration.ofHours(1), check(Duration.ofHours(1)), registry);
        // what other tests left older than a day would be the oldest row
        db.sql("DELETE FROM inbox WHERE received_at < now() - interval '1 day'")
                .fetch()
                .rowsUpdated()
                .block(Duration.ofSeconds(10));
        String consumer = "metrics-" + UUID.randomUUID();
        db.sql(
                        "INSERT INTO inbox (consumer, message_id, received_at) SELECT :c, 'old-' || n, now() - interval '16 days'"
                                + " FROM generate_series(1, 25) n")
                .bind("c", consumer)
                .fetch()
                .rowsUpdated()
                .then(db.sql("INSERT INTO inbox (consumer, message_id, received_at) VALUES (:c, 'two-days', "
                                + "now() - interval '2 days')")
                        .bind("c", consumer)
                        .fetch()
                        .rowsUpdated())
                .block(Duration.ofSeconds(10));
        double before = registry.get("paygate.retention.purged.rows")
                .tag("table", "inbox")
                .counter()
                .count();

        own.runOnce().block(Duration.ofSeconds(30));

        assertThat(registry.get("paygate.retention.purged.rows")
                                .tag("table", "inbox")
                                .counter()
                                .count()
                        - before)
                .isEqualTo(25.0);
        db.sql("DELETE FROM inbox WHERE consumer = :c")
                .bind("c", consumer)
                .fetch()
                .rowsUpdated()
                .block(Duration.ofSeconds(10));
        assertThat(registry.get("paygate.retention.oldest.age")
                        .tag("table", "inbox")
                        .gauge()
                        .value())
                .isBetween(2 * 86_400.0 - 60, 2 * 86_400.0 + 60);
    }

    @Test
    void anInboxWindowThatARedeliveryCouldOutliveStopsStartUp() {
        String topic = "paygate.retention-it-short-" + UUID.randomUUID() + ".v1";
        createTopic(
                topic,
                Map.of(
                        "retention.ms",
                        Long.toString(Duration.ofDays(1).toMillis()),
                        "segment.ms",
                        Long.toString(Duration.ofDays(1).toMillis())));
        String forever = "paygate.retention-it-forever-" + UUID.randomUUID() + ".v1";
        createTopic(forever, Map.of("retention.ms", "-1"));

        // a record can be read for 1 d retention + 1 d segment + 1 h margin
        RetentionRule tooShort = RetentionRule.of("inbox", "received_at", "consumer, message_id", Duration.ofDays(2))
                .deduplicating(List.of(topic));
        assertThatThrownBy(() -> job(tooShort).start())
                .isInstanceOf(RedeliveryWindowCheck.RetentionMisconfiguredException.class)
                .hasMessageContaining("inbox rows are kept PT48H")
                .hasMessageContaining(topic);
        assertThatThrownBy(() -> job(tooShort.deduplicating(List.of(forever))).start())
                .isInstanceOf(RedeliveryWindowCheck.RetentionMisconfiguredException.class)
                .hasMessageContaining("retention.ms = -1");

        Retention longEnough = job(RetentionRule.of(
                        "inbox",
                        "received_at",
                        "consumer, message_id",
                        Duration.ofDays(2).plusHours(2))
                .deduplicating(List.of(topic)));
        longEnough.start();
        longEnough.stop();
    }

    @Test
    void aWindowNotYetCheckedAgainstTheBrokerPurgesNothing() {
        // a topic the broker doesn't know (yet): the window can't be checked, so its rows stay
        RetentionRule unchecked = RetentionRule.of("inbox", "received_at", "consumer, message_id", Duration.ofDays(15))
                .deduplicating(List.of("paygate.retention-it-missing-" + UUID.randomUUID() + ".v1"));
        Retention job = job(unchecked);
        job.start(); // not stopped by it: the broker may only be away for now
        job.stop();
        String consumer = "unchecked-" + UUID.randomUUID();
        db.sql("INSERT INTO inbox (consumer, message_id, received_at) VALUES (:c, 'old', now() - interval '20 days')")
                .bind("c", consumer)
                .fetch()
                .rowsUpdated()
                .block(Duration.ofSeconds(10));

        assertThat(job.runOnce().block(Duration.ofSeconds(60))).containsEntry("inbox", 0L);
        assertThat(db.sql("SELECT count(*) AS n FROM inbox WHERE consumer = :c")
                        .bind("c", consumer)
                        .map(row -> row.get("n", Long.class))
                        .one()
                        .block(Duration.ofSeconds(10)))
                .isEqualTo(1L);
        db.sql("DELETE FROM inbox WHERE consumer = :c")
                .bind("c", consumer)
                .fetch()
                .rowsUpdated()
                .block(Duration.ofSeconds(10));
    }

    @Test
    void aServiceWhoseInboxWindowIsShorterThanItsTopicsRecordsDoesNotStart() {
        // the shared broker's topics have Kafka's defaults: 7 days retention, 7 days segments
        assertThatThrownBy(() -> new SpringApplicationBuilder(SupportTestApplication.class)
                        .web(org.springframework.boot.WebApplicationType.NONE)
                        .run(
                                "--spring.kafka.bootstrap-servers=" + INFRA.kafkaBootstrap(),
                                "--paygate.db.url=" + DB_URL,
                                "--paygate.db.user=" + INFRA.dbUser(),
                                "--paygate.db.password=" + INFRA.dbPassword(),
                                "--paygate.db.schema=support",
                                "--paygate.db.migrations=classpath:db/support",
                                "--paygate.retention.inbox=10d")
                        .close())
                .hasRootCauseInstanceOf(RedeliveryWindowCheck.RetentionMisconfiguredException.class)
                .rootCause()
                .hasMessageContaining("inbox rows are kept PT240H");
    }

    // --- helpers

    /** Applies the command once in effect: counts each time its change really runs, which makes {@code reply}. */
    Mono<Boolean> apply(String commandId, AtomicInteger runs, OutboxMessage reply) {
        return inboxProcessor.applyOnce(
                "retention-it",
                commandId,
                () -> Mono.fromSupplier(() -> {
                    runs.incrementAndGet();
                    return List.of(reply);
                }));
    }

    Retention job(RetentionRule rule) {
        return new Retention(
                db, List.of(rule), 100, 10, Duration.ofHours(1), check(Duration.ofHours(1)), new SimpleMeterRegistry());
    }

    static RedeliveryWindowCheck check(Duration margin) {
        return new RedeliveryWindowCheck(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, INFRA.kafkaBootstrap()),
                margin,
                Duration.ofSeconds(10));
    }

    static void createTopic(String name, Map<String, String> configs) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, INFRA.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(configs)))
                    .all()
                    .get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void insertOutbox(String aggregateId, String createdAt, String publishedAt) {
        db.sql("INSERT INTO outbox (aggregate_type, aggregate_id, type, topic, message_key, payload, created_at,"
                        + " published_at) VALUES ('test', :id, 'test.happened', :topic, :id, '{}', " + createdAt + ", "
                        + publishedAt + ")")
                .bind("id", aggregateId)
                .bind("topic", TOPIC)
                .fetch()
                .rowsUpdated()
                .block(Duration.ofSeconds(10));
    }

    List<String> outboxRows(String prefix) {
        return db.sql("SELECT aggregate_id FROM outbox WHERE aggregate_id LIKE :p")
                .bind("p", prefix + "%")
                .map(row -> row.get(0, String.class))
                .all()
                .collectList()
                .block(Duration.ofSeconds(10));
    }

    List<String> inboxRows(String... ids) {
        return db.sql("SELECT message_id FROM inbox WHERE message_id = ANY(:ids)")
                .bind("ids", ids)
                .map(row -> row.get(0, String.class))
                .all()
                .collectList()
                .block(Duration.ofSeconds(10));
    }

    boolean published(String aggregateId) {
        return db.sql("SELECT bool_and(published_at IS NOT NULL) AS p FROM outbox WHERE aggregate_id = :id")
                .bind("id", aggregateId)
                .map(row -> Boolean.TRUE.equals(row.get("p", Boolean.class)))
                .one()
                .block(Duration.ofSeconds(10));
    }

    void age(String sql, String id) {
        assertThat(db.sql(sql).bind("id", id).fetch().rowsUpdated().block(Duration.ofSeconds(10)))
                .isPositive();
    }

    static KafkaConsumer<String, byte[]> consumer() {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        INFRA.kafkaBootstrap(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "retention-it-" + UUID.randomUUID(),
                        // from the start, filtered by key: with "latest", a record published while the new group's
                        // position
                        // was still being fetched would be missed
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(TOPIC));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            consumer.poll(Duration.ofMillis(100));
            return !consumer.assignment().isEmpty();
        });
        return consumer;
    }

    static List<String> receive(KafkaConsumer<String, byte[]> consumer, String key, int count) {
        List<String> received = new ArrayList<>();
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                        if (key.equals(r.key())) {
                            received.add(new String(r.value(), StandardCharsets.UTF_8));
                        }
                    }
                    return received.size() >= count;
                });
        return received;
    }
}
