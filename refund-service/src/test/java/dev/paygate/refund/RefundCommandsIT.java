package dev.paygate.refund;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.command.CreateRefund;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import dev.paygate.refund.domain.RefundDecision;
import dev.paygate.refund.domain.RefundablePayment;
import dev.paygate.refund.store.PaymentMirror;
import dev.paygate.support.outbox.InboxProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * refund-service on real PostgreSQL: a redelivered refund command creates one refund, and the balance can't go
 * beyond what was received — not through concurrent reservations, and not even through a direct update.
 */
// closed after its tests: its consumers share the group "refund-service" with the next class's, on one broker
@org.springframework.test.annotation.DirtiesContext
@SpringBootTest(
        classes = RefundServiceApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "spring.config.name=refund-service")
class RefundCommandsIT {

    static final Infrastructure INFRA = DevInfrastructure.shared();
    /** Stands in for payment-service's internal read API: every payment it knows is succeeded, 1000 received. */
    static final com.sun.net.httpserver.HttpServer OWNER = owner();

    static com.sun.net.httpserver.HttpServer owner() {
        try {
            var server = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/internal/payments/", exchange -> {
                String id = exchange.getRequestURI().getPath().substring("/internal/payments/".length());
                byte[] body = ("{\"id\":\"" + id + "\",\"currency\":\"EUR\",\"status\":\"succeeded\","
                                + "\"amountReceived\":1000,\"paymentMethod\":{\"card\":{\"maskedNumber\":\"411111**1111\"},"
                                + "\"type\":\"card\"},\"version\":3}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add(
                "paygate.refunds.payment-url",
                () -> "http://127.0.0.1:" + OWNER.getAddress().getPort());
        String db = INFRA.createDatabase("refund_it_" + Long.toHexString(System.nanoTime()));
        registry.add("spring.kafka.bootstrap-servers", INFRA::kafkaBootstrap);
        registry.add("paygate.db.url", () -> db);
        registry.add("paygate.db.user", INFRA::dbUser);
        registry.add("paygate.db.password", INFRA::dbPassword);
    }

    @Autowired
    RefundCommands refunds;

    @Autowired
    InboxProcessor inbox;

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

    /** Reads one number to assert on; waiting here is the test's own thread, not a reactive path. */
    long count(String sql, String paymentId) {
        return db.sql(sql)
                .bind("p", paymentId)
                .map(r -> r.get(0, Long.class))
                .one()
                .block(ARRANGE);
    }

    /**
     * The refund limit in Java ({@code RefundablePayment.refund}) and its guard in SQL ({@code PaymentMirror.reserveAll}
     * and the CHECK on {@code payments}) agree: at every edge of the balance, the database reserves exactly what the
     * rule allows, and no statement can take the balance past what was received.
     */
    /** How long arranging or reading one row may take; the test's own thread waits, never a reactive path. */
    static final Duration ARRANGE = Duration.ofSeconds(10);

    @Test
    void theDatabaseReservesExactlyWhatTheRefundRuleAllows() {
        String merchant = "mer_" + Ids.randomBase58(12);
        int checked = 0;
        for (String status : List.of("succeeded", "canceled")) {
            for (long received : new long[] {1, 1000}) {
                for (long reserved : new long[] {0, received - 1, received}) {
                    for (long amount : new long[] {1, received - reserved, received - reserved + 1}) {
                        if (amount <= 0) {
                            continue;
                        }
                        String id = Ids.PAYMENT.next();
                        StepVerifier.create(payments.upsert(id, merchant, "EUR", status, received, "411111**1111", 3))
                                .verifyComplete();
                        db.sql("UPDATE payments SET refund_reserved = :r WHERE payment_id = :p")
                                .bind("r", reserved)
                                .bind("p", id)
                                .fetch()
                                .rowsUpdated()
                                .block(ARRANGE);
                        RefundablePayment payment = payments.find(id, merchant).block(ARRANGE);
                        boolean allowed = payment.refund(amount) instanceof RefundDecision.Reserve;
                        boolean reservedInSql = payments.reserveAll(Map.of(id, amount))
                                .thenReturn(true)
                                .onErrorReturn(IllegalStateException.class, false)
                                .block(ARRANGE);
                        assertThat(reservedInSql)
                                .as(
                                        "%s payment, %d received, %d reserved, refund of %d",
                                        status, received, reserved, amount)
                                .isEqualTo(allowed);
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(15);
        String full = capturedPayment(merchant, 1000);
        StepVerifier.create(db.sql("UPDATE payments SET refund_reserved = 1001 WHERE payment_id = :p")
                        .bind("p", full)
                        .fetch()
                        .rowsUpdated())
                .expectError(DataIntegrityViolationException.class)
                .verify();
    }

    @Test
    void aRedeliveredRefundCommandCreatesOneRefund() {
        String merchant = Ids.MERCHANT.next();
        String payment = capturedPayment(merchant, 1000);
        CreateRefund command = new CreateRefund(
                Ids.COMMAND.next(), merchant, Ids.REFUND.next(), payment, 300L, null, Map.of(), null, null);

        StepVerifier.create(inbox.applyOnce("refund-service", command.commandId(), () -> refunds.create(command)))
                .expectNext(true)
                .verifyComplete();
        StepVerifier.create(inbox.applyOnce("refund-service", command.commandId(), () -> refunds.create(command)))
                .expectNext(false)
                .verifyComplete();

        assertThat(count("SELECT count(*) FROM refunds WHERE payment_id = :p", payment))
                .isEqualTo(1);
        assertThat(count("SELECT refund_reserved FROM payments WHERE payment_id = :p", payment))
                .isEqualTo(300);
    }

    @Test
    void aCopyThatIsBehindTheTopicIsCheckedWithTheOwnerBeforeRefusing() {
        String merchant = Ids.MERCHANT.next();
        String payment = Ids.PAYMENT.next();
        // the copy saw the authorization (v2) but not yet the capture
        StepVerifier.create(payments.upsert(payment, merchant, "EUR", "requiresCapture", 0, "411111**1111", 2))
                .verifyComplete();
        CreateRefund command = new CreateRefund(
                Ids.COMMAND.next(), merchant, Ids.REFUND.next(), payment, 400L, null, Map.of(), null, null);

        StepVerifier.create(inbox.applyOnce("refund-service", command.commandId(), () -> refunds.create(command)))
                .expectNext(true)
                .verifyComplete();

        assertThat(count("SELECT count(*) FROM refunds WHERE payment_id = :p", payment))
                .isEqualTo(1);
        assertThat(count("SELECT refund_reserved FROM payments WHERE payment_id = :p", payment))
                .isEqualTo(400);
    }

    @Test
    void aSecupayCancelsRefundIsDescribedAsSecupayShowsItAndItsRefusalGoesToTheWaitingCall() {
        String merchant = Ids.MERCHANT.next();
        String payment = capturedPayment(merchant, 5985);
        dev.paygate.contracts.command.SecupayRefund origin = new dev.paygate.contracts.command.SecupayRefund(
                "cmd_waiting_cancel", 48006155, "07.04.22", 48006156, "One piece less");
        CreateRefund partial = new CreateRefund(
                Ids.COMMAND.next(), merchant, Ids.REFUND.next(), payment, 1995L, null, Map.of(), null, origin);

        // success is answered by payment-service once it has linked the refund: no reply from here
        StepVerifier.create(refunds.create(partial))
                .assertNext(out -> assertThat(out)
                        .isNotEmpty()
                        .allSatisfy(m -> assertThat(m.topic()).isEqualTo(dev.paygate.contracts.Topics.REFUND_EVENTS)))
                .verifyComplete();
        assertThat(db.sql("SELECT description FROM refunds WHERE id = :id")
                        .bind("id", partial.refundId())
                        .map(r -> r.get(0, String.class))
                        .one()
                        .block(ARRANGE))
                .isEqualTo("TA-Code 48006155 (07.04.22)|Refund TA-Code 48006156 Teilerstattung|One piece less");

        CreateRefund tooMuch = new CreateRefund(
                Ids.COMMAND.next(), merchant, Ids.REFUND.next(), payment, 3991L, null, Map.of(), null, origin);
        StepVerifier.create(refunds.create(tooMuch))
                .assertNext(out -> {
                    assertThat(out).hasSize(1);
                    assertThat(out.get(0).topic()).isEqualTo(dev.paygate.contracts.Topics.COMMAND_REPLIES);
                    assertThat(out.get(0).headers()).containsValue("cmd_waiting_cancel");
                    var reply = dev.paygate.contracts.json.PaygateJson.wire()
                            .readValue(out.get(0).payload(), dev.paygate.contracts.command.CommandReply.class);
                    assertThat(reply.commandId()).isEqualTo("cmd_waiting_cancel");
                    assertThat(reply.code()).isEqualTo("amount_exceeds_refundable");
                    assertThat(reply.param()).isEqualTo("reduce_amount_by");
                })
                .verifyComplete();

        CreateRefund rest = new CreateRefund(
                Ids.COMMAND.next(),
                merchant,
                Ids.REFUND.next(),
                payment,
                null,
                null,
                Map.of(),
                null,
                new dev.paygate.contracts.command.SecupayRefund("cmd_2", 48006155, "07.04.22", 48006158, null));
        StepVerifier.create(refunds.create(rest)).expectNextCount(1).verifyComplete();
        assertThat(count("SELECT refund_reserved FROM payments WHERE payment_id = :p", payment))
                .isEqualTo(5985);
        // the rest of a partly refunded payment is not a full refund
        assertThat(db.sql("SELECT description FROM refunds WHERE id = :id")
                        .bind("id", rest.refundId())
                        .map(r -> r.get(0, String.class))
                        .one()
                        .block(ARRANGE))
                .endsWith("48006158 Teilerstattung");
    }

    @Test
    void aRecordThatIsNoCommandIsPassedAndTheCommandsAroundItAreApplied() throws Exception {
        String merchant = Ids.MERCHANT.next();
        String payment = capturedPayment(merchant, 1000);
        CreateRefund first = new CreateRefund(
                Ids.COMMAND.next(), merchant, Ids.REFUND.next(), payment, 100L, null, Map.of(), null, null);
        CreateRefund last = new CreateRefund(
                Ids.COMMAND.next(), merchant, Ids.REFUND.next(), payment, 200L, null, Map.of(), null, null);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(
                Map.of(
                        org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        INFRA.kafkaBootstrap()),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            // one partition (one key), one poll's batch: a command, garbage, a command
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                    dev.paygate.contracts.Topics.REFUND_COMMANDS,
                    payment,
                    dev.paygate.contracts.json.PaygateJson.wire().writeValueAsBytes(first)));
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                    dev.paygate.contracts.Topics.REFUND_COMMANDS,
                    payment,
                    "{not json".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                            dev.paygate.contracts.Topics.REFUND_COMMANDS,
                            payment,
                            dev.paygate.contracts.json.PaygateJson.wire().writeValueAsBytes(last)))
                    .get();
        }

        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> count("SELECT count(*) FROM refunds WHERE payment_id = :p", payment) == 2);
        assertThat(count("SELECT refund_reserved FROM payments WHERE payment_id = :p", payment))
                .isEqualTo(300);
    }

    @Test
    void aPollsRefundsAreDecidedInOrderOnTheBalanceTheOnesBeforeLeft() {
        String merchant = Ids.MERCHANT.next();
        String payment = capturedPayment(merchant, 1000);
        List<CreateRefund> poll = java.util.stream.Stream.of(600L, 600L, 300L, 100L)
                .map(amount -> new CreateRefund(
                        Ids.COMMAND.next(), merchant, Ids.REFUND.next(), payment, amount, null, Map.of(), null, null))
                .toList();

        StepVerifier.create(inbox.applyTracedBatchOnce(
                        "refund-service", poll, CreateRefund::commandId, fresh -> refunds.createAll(fresh, c -> null)))
                .expectNext(4)
                .verifyComplete();

        // 600 fits, the second 600 does not (400 left), 300 fits, 100 fits exactly
        assertThat(db.sql("SELECT amount FROM refunds WHERE payment_id = :p ORDER BY amount DESC")
                        .bind("p", payment)
                        .map(r -> r.get(0, Long.class))
                        .all()
                        .collectList()
                        .block(java.time.Duration.ofSeconds(10)))
                .containsExactly(600L, 300L, 100L);
        assertThat(count("SELECT refund_reserved FROM payments WHERE payment_id = :p", payment))
                .isEqualTo(1000);
        var refusal = dev.paygate.contracts.json.PaygateJson.wire()
                .readValue(
                        db.sql("SELECT payload FROM outbox WHERE aggregate_type = 'reply' AND aggregate_id = :id")
                                .bind("id", poll.get(1).commandId())
                                .map(r -> r.get(0, String.class))
                                .one()
                                .block(java.time.Duration.ofSeconds(10)),
                        dev.paygate.contracts.command.CommandReply.class);
        assertThat(refusal.code()).isEqualTo("amount_exceeds_refundable");
        assertThat(refusal.detail()).contains("At most 400 ");
    }

    @Test
    void concurrentPollsOfRefundsForOnePaymentNeverRefundMoreThanWasReceived() {
        String merchant = Ids.MERCHANT.next();
        String payment = capturedPayment(merchant, 1000);
        // 20 polls at once (as on several instances during a rebalance), each of 5 refunds of 30: 3000 asked, 33 fit
        Flux<Integer> polls = Flux.range(0, 20)
                .flatMap(
                        i -> {
                            List<CreateRefund> poll = java.util.stream.IntStream.range(0, 5)
                                    .mapToObj(j -> new CreateRefund(
                                            Ids.COMMAND.next(),
                                            merchant,
                                            Ids.REFUND.next(),
                                            payment,
                                            30L,
                                            null,
                                            Map.of(),
                                            null,
                                            null))
                                    .toList();
                            return inbox.applyTracedBatchOnce(
                                            "refund-service",
                                            poll,
                                            CreateRefund::commandId,
                                            fresh -> refunds.createAll(fresh, c -> null))
                                    .subscribeOn(Schedulers.parallel());
                        },
                        20);

        StepVerifier.create(polls.reduce(0, Integer::sum)).expectNext(100).verifyComplete();
        assertThat(count("SELECT count(*) FROM refunds WHERE payment_id = :p", payment))
                .isEqualTo(33);
        assertThat(count("SELECT refund_reserved FROM payments WHERE payment_id = :p", payment))
                .isEqualTo(990);
    }

    @Test
    void concurrentReservationsNeverExceedWhatWasReceived() {
        String payment = capturedPayment(Ids.MERCHANT.next(), 50);

        Flux<Boolean> twoHundred = Flux.range(0, 200)
                .flatMap(
                        i -> payments.reserveAll(Map.of(payment, 1L))
                                .thenReturn(true)
                                .onErrorReturn(IllegalStateException.class, false)
                                .subscribeOn(Schedulers.parallel()),
                        32);

        StepVerifier.create(twoHundred.filter(ok -> ok).count()).expectNext(50L).verifyComplete();
        assertThat(count("SELECT refund_reserved FROM payments WHERE payment_id = :p", payment))
                .isEqualTo(50);
    }

    @Test
    void theDatabaseRefusesABalanceBeyondWhatWasReceived() {
        String payment = capturedPayment(Ids.MERCHANT.next(), 50);

        StepVerifier.create(db.sql("UPDATE payments SET refund_reserved = 51 WHERE payment_id = :p")
                        .bind("p", payment)
                        .fetch()
                        .rowsUpdated())
                .expectError(DataIntegrityViolationException.class)
                .verify();
    }
}
