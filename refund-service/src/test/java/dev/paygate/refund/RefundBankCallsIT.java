package dev.paygate.refund;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.acquirer.bank.BankServer;
import dev.paygate.acquirer.bank.BankSettings;
import dev.paygate.acquirer.bank.LedgerEntry;
import dev.paygate.contracts.Ids;
import dev.paygate.contracts.Topics;
import dev.paygate.contracts.command.CommandReply;
import dev.paygate.contracts.command.CreateRefund;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import dev.paygate.refund.store.PaymentMirror;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.test.StepVerifier;

/**
 * refund-service at a slow HTTP bank (400–1000 ms a call), fed through its Kafka topic: the bank is called after the
 * pending refund has committed, with its row unlocked, many refunds at once, and one payment's refunds in the order
 * of their commands.
 */
// closed after its tests: its consumers share the group "refund-service" with the next class's, on one broker
@org.springframework.test.annotation.DirtiesContext
@SpringBootTest(
        classes = RefundServiceApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "spring.config.name=refund-service")
class RefundBankCallsIT {

    static final Infrastructure INFRA = DevInfrastructure.shared();
    /** While set, every bank call takes 500 ms exactly: answers to calls made together arrive together. */
    static volatile boolean steady;

    static final BankServer BANK = new BankServer(BankSettings.of(Duration.ofMillis(700), Duration.ofMillis(300))
                    .withSlow(() -> steady, Duration.ofMillis(500)))
            .start(0);
    static final String DATABASE = "refund_calls_it_" + Long.toHexString(System.nanoTime());

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        String db = INFRA.createDatabase(DATABASE);
        registry.add("spring.kafka.bootstrap-servers", INFRA::kafkaBootstrap);
        registry.add("paygate.db.url", () -> db);
        registry.add("paygate.db.user", INFRA::dbUser);
        registry.add("paygate.db.password", INFRA::dbPassword);
        registry.add("paygate.acquirer.url", () -> "http://127.0.0.1:" + BANK.port());
        // the janitor stays out of it: every answer here comes from the first call
        registry.add("paygate.refunds.pending-age", () -> "1h");
    }

    @AfterAll
    static void stopBank() {
        BANK.close();
    }

    @Autowired
    PaymentMirror payments;

    @Autowired
    DatabaseClient db;

    String capturedPayment(String merchant, long amount) {
        String id = Ids.PAYMENT.next();
        StepVerifier.create(payments.upsert(id, merchant, "EUR", "succeeded", amount, "411111**1111", 3))
                .verifyComplete();
        return id;
    }

    static void send(List<CreateRefund> commands) throws Exception {
        try (var producer = new KafkaProducer<String, byte[]>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        INFRA.kafkaBootstrap(),
                        ProducerConfig.LINGER_MS_CONFIG,
                        20),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (CreateRefund c : commands) {
                producer.send(new ProducerRecord<>(
                        Topics.REFUND_COMMANDS,
                        c.paymentId(),
                        PaygateJson.wire().writeValueAsBytes(c)));
            }
            producer.flush();
        }
    }

    long count(String sql) {
        return db.sql(sql).map(r -> r.get(0, Long.class)).one().block(Duration.ofSeconds(10));
    }

    /** Replies in the outbox to these commands, by command id. */
    Map<String, List<CommandReply>> replies(List<CreateRefund> commands) {
        Map<String, List<CommandReply>> byCommand = new java.util.HashMap<>();
        List<String> ids = commands.stream().map(CreateRefund::commandId).toList();
        db.sql("SELECT aggregate_id, payload FROM outbox WHERE aggregate_type = 'reply' AND aggregate_id = ANY(:ids)")
                .bind("ids", ids.toArray(String[]::new))
                .map(row -> Map.entry(row.get("aggregate_id", String.class), row.get("payload", String.class)))
                .all()
                .collectList()
                .block(Duration.ofSeconds(10))
                .forEach(e -> byCommand
                        .computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add(PaygateJson.wire().readValue(e.getValue(), CommandReply.class)));
        return byCommand;
    }

    @Test
    void manyRefundsAreWithTheBankAtOnce() throws Exception {
        String merchant = Ids.MERCHANT.next();
        List<CreateRefund> commands = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            commands.add(new CreateRefund(
                    Ids.COMMAND.next(),
                    merchant,
                    Ids.REFUND.next(),
                    capturedPayment(merchant, 1000),
                    250L,
                    null,
                    Map.of(),
                    null,
                    null));
        }
        send(commands);

        await().atMost(Duration.ofSeconds(60))
                .until(() -> count("SELECT count(*) FROM refunds WHERE status = 'succeeded' " + "AND merchant_id = '"
                                + merchant + "'")
                        == 100);

        assertThat(BANK.stats().maxInFlight()).as("bank calls at once").isGreaterThanOrEqualTo(50);
        // each caller got the bank's outcome, once
        Map<String, List<CommandReply>> replies = replies(commands);
        assertThat(replies).hasSize(100);
        assertThat(replies.values())
                .allSatisfy(list -> assertThat(list).singleElement().satisfies(reply -> {
                    assertThat(reply.status()).isEqualTo(200);
                    assertThat(reply.resource().get("status").asString()).isEqualTo("succeeded");
                }));
        for (CreateRefund c : commands) {
            assertThat(BANK.ledger().entries(c.refundId(), null))
                    .singleElement()
                    .satisfies(e -> assertThat(e.amount()).isEqualTo(250L));
        }
    }

    @Test
    void aRefundIsCommittedAndUnlockedWhileTheBankWorksOnIt() throws Exception {
        String merchant = Ids.MERCHANT.next();
        CreateRefund command = new CreateRefund(
                Ids.COMMAND.next(),
                merchant,
                Ids.REFUND.next(),
                capturedPayment(merchant, 1000),
                400L,
                null,
                Map.of(),
                null,
                null);
        send(List.of(command));

        // the bank takes at least 400 ms: look while it works
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> BANK.stats().inFlight() > 0);
        try (Connection c =
                DriverManager.getConnection(INFRA.jdbcUrlFor(DATABASE), INFRA.dbUser(), INFRA.dbPassword())) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET lock_timeout = 0");
                ResultSet row = s.executeQuery(
                        "SELECT status FROM refund.refunds WHERE id = '" + command.refundId() + "' FOR UPDATE NOWAIT");
                assertThat(row.next())
                        .as("the pending refund is committed before the bank is called")
                        .isTrue();
                assertThat(row.getString(1)).isEqualTo("pending");
                assertThat(BANK.stats().inFlight())
                        .as("still with the bank while we looked")
                        .isPositive();
            }
            c.rollback();
        }

        await().atMost(Duration.ofSeconds(30))
                .until(() -> count("SELECT count(*) FROM refunds WHERE status = " + "'succeeded' AND id = '"
                                + command.refundId() + "'")
                        == 1);
    }

    @Test
    void onePaymentsRefundsReachTheBankOneAfterAnotherInTheOrderOfTheirCommands() throws Exception {
        String merchant = Ids.MERCHANT.next();
        String payment = capturedPayment(merchant, 10_000);
        List<CreateRefund> commands = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            commands.add(new CreateRefund(
                    Ids.COMMAND.next(), merchant, Ids.REFUND.next(), payment, 100L + i, null, Map.of(), null, null));
        }
        // and other payments' refunds around them, so the batch mixes keys
        List<CreateRefund> others = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            others.add(new CreateRefund(
                    Ids.COMMAND.next(),
                    merchant,
                    Ids.REFUND.next(),
                    capturedPayment(merchant, 500),
                    500L,
                    null,
                    Map.of(),
                    null,
                    null));
        }
        List<CreateRefund> all = new ArrayList<>(others.subList(0, 8));
        all.addAll(commands);
        all.addAll(others.subList(8, 16));
        send(all);

        await().atMost(Duration.ofSeconds(60))
                .until(() -> count("SELECT count(*) FROM refunds WHERE status <> 'pending' " + "AND merchant_id = '"
                                + merchant + "'")
                        == 24);

        List<LedgerEntry> executed = commands.stream()
                .map(c -> BANK.ledger().entries(c.refundId(), null))
                .map(entries -> {
                    assertThat(entries).hasSize(1);
                    return entries.get(0);
                })
                .toList();
        assertThat(executed)
                .as("executed in the order of the commands")
                .isSortedAccordingTo(Comparator.comparingLong(LedgerEntry::sequence));
        // one at a time: each one executed at least the bank's shortest latency after the one before
        for (int i = 1; i < executed.size(); i++) {
            assertThat(Duration.between(
                            executed.get(i - 1).time(), executed.get(i).time()))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(390));
        }
    }

    @Test
    void aRefundTheBankRefusesFailsAndItsAmountIsRefundableAgain() throws Exception {
        String merchant = Ids.MERCHANT.next();
        String payment = capturedPayment(merchant, 1000);
        CreateRefund refused = new CreateRefund(
                Ids.COMMAND.next(), merchant, Ids.REFUND.next(), payment, 600L, null, Map.of(), null, null);
        // the refund's reference was used at the bank for another amount: the bank refuses ours (422)
        try (var direct = new dev.paygate.acquirer.bank.HttpAcquirer(
                dev.paygate.acquirer.bank.HttpAcquirer.Settings.of("http://127.0.0.1:" + BANK.port())
                        .withTimeout(Duration.ofSeconds(5)))) {
            direct.refund(new dev.paygate.acquirer.RefundRequest(
                            refused.refundId(), payment, null, "411111**1111", 100, "EUR"))
                    .block(Duration.ofSeconds(10));
        }
        send(List.of(refused));

        // answered once, failed, instead of a command retried without end behind its partition
        await().atMost(Duration.ofSeconds(30))
                .until(() -> replies(List.of(refused)).containsKey(refused.commandId()));
        assertThat(replies(List.of(refused)).get(refused.commandId()))
                .singleElement()
                .satisfies(reply -> {
                    assertThat(reply.status()).isEqualTo(200);
                    assertThat(reply.resource().get("status").asString()).isEqualTo("failed");
                    assertThat(reply.resource().get("failureReason").asString()).contains("idempotency_key_reused");
                });
        // its 600 are back: the whole 1000 can be refunded
        CreateRefund whole = new CreateRefund(
                Ids.COMMAND.next(), merchant, Ids.REFUND.next(), payment, 1000L, null, Map.of(), null, null);
        send(List.of(whole));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> replies(List.of(whole)).containsKey(whole.commandId()));
        assertThat(replies(List.of(whole)).get(whole.commandId()))
                .singleElement()
                .satisfies(reply ->
                        assertThat(reply.resource().get("status").asString()).isEqualTo("succeeded"));
    }

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @Test
    void answersThatArriveTogetherAreRecordedTogether() throws Exception {
        String merchant = Ids.MERCHANT.next();
        List<CreateRefund> commands = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            commands.add(new CreateRefund(
                    Ids.COMMAND.next(),
                    merchant,
                    Ids.REFUND.next(),
                    capturedPayment(merchant, 1000),
                    100L,
                    null,
                    Map.of(),
                    null,
                    null));
        }
        var batches = meters.get("paygate.refunds.outcomes.batch").summary();
        long transactionsBefore = batches.count();
        double answersBefore = batches.totalAmount();
        steady = true;
        try {
            send(commands);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> count("SELECT count(*) FROM refunds WHERE status = "
                                    + "'succeeded' AND merchant_id = '" + merchant + "'")
                            == 100);
        } finally {
            steady = false;
        }

        // each answered once, every caller got its outcome
        assertThat(batches.totalAmount() - answersBefore).isEqualTo(100);
        assertThat(replies(commands))
                .hasSize(100)
                .allSatisfy((command, list) -> assertThat(list)
                        .singleElement()
                        .satisfies(reply -> assertThat(
                                        reply.resource().get("status").asString())
                                .isEqualTo("succeeded")));
        // answers that arrived while a batch was written went into the next one: far fewer transactions than answers
        assertThat(batches.count() - transactionsBefore).isLessThanOrEqualTo(50);
    }
}
