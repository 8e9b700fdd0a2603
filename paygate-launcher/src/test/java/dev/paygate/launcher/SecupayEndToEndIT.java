package dev.paygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.devinfra.WebhookReceiver;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * The secupay-compatible {@code /api/v2} transaction API (docs/secupay.md) through all four services: the three answers
 * the secupay API's examples show, its refusals (each changing nothing), the combined limit under 100 racing calls, and
 * agreement with {@code /api2}, the topics and the webhooks.
 */
class SecupayEndToEndIT {

    static final String APPROVE = "4111111111111111";
    static final String REFUND_PENDING_THEN_SUCCEEDED = "4000000000007726";
    static final String REFUND_PENDING_THEN_FAILED = "4000000000005126";

    static Http api;
    static Http secupay;
    static WebhookReceiver receiver;

    @BeforeAll
    static void start() throws Exception {
        String key = TestStack.newMerchantKey("Secupay Test-Shop");
        api = new Http(key);
        secupay = Http.bearer(key);
        receiver = WebhookReceiver.start();
        api.ok("/api2/webhook-endpoints", "{\"url\": \"" + receiver.url() + "\", \"enabledEvents\": [\"*\"]}");
    }

    @AfterAll
    static void stop() {
        receiver.close();
    }

    /** A payment through {@code /api2}; returns it as {@code /api2} shows it. */
    static JsonNode payment(String card, String captureMethod, long amount) {
        return api.ok(
                "/api2/payments",
                "{\"amount\": " + amount + ", \"currency\": \"EUR\", \"captureMethod\": \""
                        + captureMethod + "\", \"confirm\": true, \"description\": \"Bestellung via Paygate\", "
                        + "\"paymentMethod\": {\"type\": \"card\", \"card\": {\"number\": \"" + card
                        + "\", \"cvc\": \"123\", \"expiryMonth\": 12, \"expiryYear\": 2030, \"holderName\": \"T\"}}}");
    }

    static Http.Answer cancel(String transactionId, String body) {
        return secupay.post("/api/v2/Payment/Transactions/" + transactionId + "/cancel", body);
    }

    static JsonNode transaction(String transactionId) {
        Http.Answer answer = secupay.get("/api/v2/Payment/Transactions/" + transactionId);
        assertThat(answer.status())
                .as("GET %s: %s", transactionId, answer.body())
                .isEqualTo(200);
        return answer.body();
    }

    static void assertProblem(Http.Answer answer, int status, String code, String param) {
        assertThat(answer.status()).as("%s", answer.body()).isEqualTo(status);
        assertThat(answer.body().get("code").asString()).isEqualTo(code);
        if (param != null) {
            assertThat(answer.body().get("param").asString()).isEqualTo(param);
        }
    }

    /**
     * Everything a refused call must leave untouched for one payment, in every service: the payment, its refunds
     * and the reservations against them, and every event. (A refund refused by refund-service leaves the request
     * that asked for it: a {@code transaction_cancels} row and the command; neither is a resource or an event.)
     */
    static String fingerprint(String paymentId) {
        String p = "'" + paymentId + "'";
        return TestStack.count("SELECT version FROM payment.payments WHERE id = " + p) + "/"
                + TestStack.count(
                        "SELECT amount_capturable + 100000000 * amount_canceled FROM payment.payments WHERE id = " + p)
                + "/"
                + TestStack.count("SELECT count(*) FROM payment.refunds WHERE payment_id = " + p) + "/"
                + TestStack.count("SELECT count(*) FROM payment.outbox WHERE message_key = " + p
                        + " AND aggregate_type NOT IN ('reply', 'command')")
                + "/"
                + TestStack.count("SELECT count(*) FROM refund.refunds WHERE payment_id = " + p) + "/"
                + TestStack.count(
                        "SELECT coalesce(sum(refund_reserved), 0) FROM refund.payments WHERE payment_id = " + p)
                + "/"
                + TestStack.count("SELECT count(*) FROM refund.outbox WHERE message_key = " + p
                        + " AND aggregate_type <> 'reply'");
    }

    /** Waits until payment-service has counted the refunds that succeeded (its payment version moves with them). */
    static void awaitRefunded(String paymentId, long amount) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get("/api2/payments/" + paymentId)
                                .body()
                                .get("amountRefunded")
                                .asLong()
                        == amount);
    }

    static List<JsonNode> webhooks(String type, String objectId) {
        return receiver.received().stream()
                .map(r -> PaygateJson.wire().readTree(r.body()))
                .filter(b -> type.equals(b.get("type").asString()))
                .filter(b ->
                        objectId.equals(b.get("data").get("object").get("id").asString()))
                .toList();
    }

    @Test
    void aPartialCancellationLowersTheAuthorizationOnce() {
        JsonNode p = payment(APPROVE, "manual", 4985);
        String pci = p.get("transactionId").asString();

        Http.Answer answer = cancel(pci, "{\"reduce_amount_by\": 995, \"reason\": \"One piece less\"}");

        assertThat(answer.status()).as("%s", answer.body()).isEqualTo(200);
        assertThat(answer.body().isArray()).isTrue();
        assertThat(answer.body().size()).isEqualTo(1);
        JsonNode t = answer.body().get(0);
        assertThat(t.get("object").asString()).isEqualTo("payment.transactions");
        assertThat(t.get("id").asString()).isEqualTo(pci);
        assertThat(t.get("related_transactions").isEmpty()).isTrue();
        assertThat(t.get("amount").asLong()).isEqualTo(3990);
        assertThat(t.get("currency").asString()).isEqualTo("EUR");
        assertThat(t.get("status").asInt()).isEqualTo(9);
        assertThat(t.get("details").get("cleared").asString()).isEqualTo("open");
        assertThat(t.get("details").get("status_simple").asInt()).isEqualTo(10);
        assertThat(t.get("details").get("status_simple_text").asString()).isEqualTo("pending");
        assertThat(t.get("details").get("amount").asLong()).isEqualTo(3990);
        assertThat(t.get("created").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[+-]\\d\\d:\\d\\d");
        // the same payment in /api2: the original amount, the reservation lowered
        JsonNode bpc = api.get("/api2/payments/" + p.get("id").asString()).body();
        assertThat(bpc.get("status").asString()).isEqualTo("requiresCapture");
        assertThat(bpc.get("amount").asLong()).isEqualTo(4985);
        assertThat(bpc.get("amountCapturable").asLong()).isEqualTo(3990);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> webhooks("payment.amountUpdated", p.get("id").asString()).stream()
                        .anyMatch(w -> w.get("data")
                                        .get("object")
                                        .get("amountCapturable")
                                        .asLong()
                                == 3990));
        assertThat(transaction(pci)).isEqualTo(t);

        // exactly one partial cancellation per card transaction
        String before = fingerprint(p.get("id").asString());
        assertProblem(cancel(pci, "{\"reduce_amount_by\": 5}"), 409, "transaction_already_reduced", "reduce_amount_by");
        assertThat(fingerprint(p.get("id").asString())).isEqualTo(before);

        // what remains is captured; secupay then shows it executed with that amount
        JsonNode captured = api.ok("/api2/payments/" + p.get("id").asString() + "/capture", null);
        assertThat(captured.get("amountReceived").asLong()).isEqualTo(3990);
        JsonNode after = transaction(pci);
        assertThat(after.get("status").asInt()).isEqualTo(6);
        assertThat(after.get("amount").asLong()).isEqualTo(3990);
        assertThat(after.get("completion_date").isNull()).isFalse();
        // and never more than the original in total: the 995 cancelled can't be refunded
        assertProblem(
                cancel(pci, "{\"reduce_amount_by\": 3991}"), 409, "amount_exceeds_refundable", "reduce_amount_by");
    }

    @Test
    void aFullCancellationReleasesTheReservation() {
        JsonNode p = payment(APPROVE, "manual", 5985);
        String pci = p.get("transactionId").asString();

        Http.Answer answer = cancel(pci, null);

        assertThat(answer.status()).as("%s", answer.body()).isEqualTo(200);
        assertThat(answer.body().size()).isEqualTo(1);
        JsonNode t = answer.body().get(0);
        assertThat(t.get("amount").asLong()).isEqualTo(5985);
        assertThat(t.get("status").asInt()).isEqualTo(10);
        assertThat(t.get("status_text").asString()).isEqualTo("Storniert");
        assertThat(t.get("details").get("status").asInt()).isEqualTo(10);
        assertThat(t.get("details").get("status_text").asString()).isEqualTo("Storniert");
        assertThat(t.get("details").get("status_simple").asInt()).isEqualTo(5);
        assertThat(t.get("details").get("status_simple_text").asString()).isEqualTo("void");
        assertThat(t.get("completion_date").isNull()).isTrue();
        assertThat(t.get("description").asString()).isEqualTo("Bestellung via Paygate");
        JsonNode bpc = api.get("/api2/payments/" + p.get("id").asString()).body();
        assertThat(bpc.get("status").asString()).isEqualTo("canceled");
        assertThat(bpc.get("amountCapturable").asLong()).isZero();
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        !webhooks("payment.canceled", p.get("id").asString()).isEmpty());

        // a cancelled transaction can be neither cancelled again nor refunded
        String before = fingerprint(p.get("id").asString());
        assertProblem(cancel(pci, null), 409, "payment_invalid_status", null);
        assertThat(fingerprint(p.get("id").asString())).isEqualTo(before);
    }

    @Test
    void theWholeRemainingAmountAfterAPartialCancellationCancelsInFull() {
        JsonNode p = payment(APPROVE, "manual", 5000);
        String pci = p.get("transactionId").asString();
        assertThat(cancel(pci, "{\"amount\": 1000}").status()).isEqualTo(200);

        String before = fingerprint(p.get("id").asString());
        assertProblem(
                cancel(pci, "{\"reduce_amount_by\": 4001}"), 409, "amount_exceeds_authorized", "reduce_amount_by");
        assertThat(fingerprint(p.get("id").asString())).isEqualTo(before);

        JsonNode t = cancel(pci, "{\"reduce_amount_by\": 4000}").body().get(0);
        assertThat(t.get("status").asInt()).isEqualTo(10);
        assertThat(t.get("amount").asLong()).isEqualTo(4000);
    }

    @Test
    void aPartialRefundCreatesALinkedPendingRefund() {
        JsonNode p = payment(REFUND_PENDING_THEN_SUCCEEDED, "automatic", 5985);
        String paymentId = p.get("id").asString();
        String pci = p.get("transactionId").asString();

        Http.Answer answer = cancel(pci, "{\"reduce_amount_by\": 1995, \"reason\": \"One piece less\"}");

        assertThat(answer.status()).as("%s", answer.body()).isEqualTo(200);
        assertThat(answer.body().size()).isEqualTo(2);
        JsonNode original = answer.body().get(0);
        JsonNode refund = answer.body().get(1);
        assertThat(original.get("id").asString()).isEqualTo(pci);
        assertThat(original.get("amount").asLong()).isEqualTo(5985);
        assertThat(original.get("status").asInt()).isEqualTo(6);
        assertThat(original.get("status_text").asString()).isEqualTo("abgeschlossen");
        assertThat(original.get("details").get("status_simple").asInt()).isEqualTo(1);
        assertThat(original.get("details").get("status_simple_text").asString()).isEqualTo("accepted");
        JsonNode child = original.get("related_transactions").get(0);
        assertThat(original.get("related_transactions").size()).isEqualTo(1);
        assertThat(child.get("object").asString()).isEqualTo("payment.transactions");
        assertThat(child.get("id").asString())
                .isEqualTo(refund.get("id").asString())
                .matches("PCI_[A-Z0-9]{30}");
        assertThat(child.get("hierarchy").asString()).isEqualTo("child");
        assertThat(child.get("ref_type_id").asInt()).isEqualTo(19);
        assertThat(child.get("ref_type_raw").asString()).isEqualTo("Gutschrift / Refund");
        assertThat(child.get("trans_id").asLong())
                .isEqualTo(refund.get("trans_id").asLong());

        JsonNode parent = refund.get("related_transactions").get(0);
        assertThat(parent.get("id").asString()).isEqualTo(pci);
        assertThat(parent.get("hierarchy").asString()).isEqualTo("parent");
        assertThat(parent.get("ref_type_id").asInt()).isEqualTo(19);
        assertThat(parent.get("trans_id").asLong())
                .isEqualTo(original.get("trans_id").asLong());
        assertThat(refund.get("product_id").asInt()).isEqualTo(479);
        assertThat(refund.get("product").asString()).isEqualTo("Erstattung");
        assertThat(refund.get("amount").asLong()).isEqualTo(-1995);
        assertThat(refund.get("status").asInt()).isEqualTo(118);
        assertThat(refund.get("status_text").asString()).isEqualTo("auf Genehmigung wartend");
        assertThat(refund.get("details").get("status_simple").asInt()).isEqualTo(10);
        assertThat(refund.get("details").get("status_simple_text").asString()).isEqualTo("pending");
        assertThat(refund.get("details").get("amount").asLong()).isEqualTo(-1995);
        String day = DateTimeFormatter.ofPattern("dd.MM.yy")
                .format(java.time.OffsetDateTime.parse(original.get("created").asString())
                        .atZoneSameInstant(ZoneId.of("Europe/Berlin")));
        String description = "TA-Code " + original.get("trans_id").asLong() + " (" + day + ")|Refund TA-Code "
                + refund.get("trans_id").asLong() + " Teilerstattung|One piece less";
        assertThat(refund.get("description").asString()).isEqualTo(description);
        assertThat(refund.get("details").get("description").asString()).isEqualTo(description);

        // the same refund in /api2, its events and webhooks: positive amount, same description
        JsonNode listed =
                api.get("/api2/payments/" + paymentId + "/refunds").body().get("data");
        assertThat(listed.size()).isEqualTo(1);
        assertThat(listed.get(0).get("amount").asLong()).isEqualTo(1995);
        assertThat(listed.get(0).get("description").asString()).isEqualTo(description);
        assertThat(listed.get(0).get("reason").isNull()
                        || listed.get(0).get("reason").isMissingNode())
                .isTrue();
        String refundId = listed.get(0).get("id").asString();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> webhooks("refund.updated", refundId).stream()
                        .anyMatch(w -> "pending"
                                        .equals(w.get("data")
                                                .get("object")
                                                .get("status")
                                                .asString())
                                && description.equals(w.get("data")
                                        .get("object")
                                        .get("description")
                                        .asString())));

        // the bank carries it out: the secupay view follows, the original still shows its full amount
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        transaction(refund.get("id").asString()).get("status").asInt() == 6);
        JsonNode done = transaction(refund.get("id").asString());
        assertThat(done.get("details").get("status_simple_text").asString()).isEqualTo("accepted");
        assertThat(done.get("completion_date").isNull()).isFalse();
        assertThat(api.get("/api2/refunds/" + refundId).body().get("status").asString())
                .isEqualTo("succeeded");
        assertThat(transaction(pci).get("amount").asLong()).isEqualTo(5985);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get("/api2/payments/" + paymentId)
                                .body()
                                .get("amountRefunded")
                                .asLong()
                        == 1995);
    }

    @Test
    void withoutAnAmountTheRestIsRefundedAndThenNothingMore() {
        JsonNode p = payment(APPROVE, "automatic", 3000);
        String pci = p.get("transactionId").asString();
        assertThat(cancel(pci, "{\"reduce_amount_by\": 1000}").status()).isEqualTo(200);

        JsonNode answer = cancel(pci, "{\"reason\": \"Return (all)\"}").body();

        assertThat(answer.size()).isEqualTo(2);
        assertThat(answer.get(1).get("amount").asLong()).isEqualTo(-2000);
        assertThat(answer.get(1).get("description").asString()).endsWith(" Teilerstattung|Return (all)");
        assertThat(answer.get(0).get("related_transactions").size()).isEqualTo(2);
        awaitRefunded(p.get("id").asString(), 3000);
        String before = fingerprint(p.get("id").asString());
        assertProblem(cancel(pci, null), 409, "amount_exceeds_refundable", null);
        assertProblem(cancel(pci, "{\"reduce_amount_by\": 1}"), 409, "amount_exceeds_refundable", "reduce_amount_by");
        assertThat(fingerprint(p.get("id").asString())).isEqualTo(before);
    }

    @Test
    void aFullRefundInOneCallIsAVollerstattung() {
        JsonNode p = payment(APPROVE, "automatic", 2500);

        JsonNode refund = cancel(p.get("transactionId").asString(), null).body().get(1);

        assertThat(refund.get("amount").asLong()).isEqualTo(-2500);
        assertThat(refund.get("description").asString()).endsWith(" Vollerstattung");
    }

    @Test
    void aRefundMayFailAndThenShowsSo() {
        JsonNode p = payment(REFUND_PENDING_THEN_FAILED, "automatic", 1200);
        String pci = p.get("transactionId").asString();
        String refundPci = cancel(pci, "{\"reduce_amount_by\": 200}")
                .body()
                .get(1)
                .get("id")
                .asString();

        await().atMost(Duration.ofSeconds(20))
                .until(() -> transaction(refundPci).get("status").asInt() == 119);
        JsonNode failed = transaction(refundPci);
        assertThat(failed.get("details").get("status_simple_text").asString()).isEqualTo("denied");
        assertThat(failed.get("amount").asLong()).isEqualTo(-200);
        // a failed refund gives its amount back: all 1200 can be refunded again
        await().atMost(Duration.ofSeconds(20))
                .until(() -> TestStack.count("SELECT refund_reserved FROM refund.payments WHERE payment_id = '"
                                + p.get("id").asString() + "'")
                        == 0);
        assertThat(cancel(pci, "{\"reduce_amount_by\": 1200}").status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "reason {0}")
    @ValueSource(
            strings = {
                "<script>alert(1)</script>",
                "Rückgabe",
                "x\\ny",
                "tab\\tbed",
                "semi;colon",
                "quote\\\"",
                "1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890X"
            })
    void aReasonOutsideSecupaysRuleIsRefusedAndChangesNothing(String reason) {
        JsonNode p = payment(APPROVE, "automatic", 1000);
        String before = fingerprint(p.get("id").asString());

        assertProblem(
                cancel(p.get("transactionId").asString(), "{\"reason\": \"" + reason + "\"}"),
                400,
                "parameter_invalid",
                "reason");
        assertThat(fingerprint(p.get("id").asString())).isEqualTo(before);
    }

    @Test
    void badBodiesAreRefusedAndChangeNothing() {
        JsonNode p = payment(APPROVE, "manual", 1000);
        String pci = p.get("transactionId").asString();
        String before = fingerprint(p.get("id").asString());

        assertProblem(cancel(pci, "{\"amount\": 100, \"reduce_amount_by\": 100}"), 400, "parameter_invalid", "amount");
        assertProblem(cancel(pci, "{\"reduce_amount_by\": 0}"), 400, "amount_invalid", "reduce_amount_by");
        assertProblem(cancel(pci, "{\"reduce_amount_by\": -5}"), 400, "amount_invalid", "reduce_amount_by");
        assertProblem(cancel(pci, "{\"reduce_amount_by\": 9.95}"), 400, "amount_invalid", "reduce_amount_by");
        assertProblem(cancel(pci, "{\"reduce_amount_by\": \"995\"}"), 400, "amount_invalid", "reduce_amount_by");
        assertProblem(cancel(pci, "{\"amount\": 100000000}"), 400, "amount_invalid", "amount");
        assertProblem(cancel(pci, "{\"reduceAmountBy\": 1}"), 400, "parameter_unknown", "reduceAmountBy");
        assertProblem(cancel(pci, "{\"reason\": 5}"), 400, "parameter_invalid", "reason");
        assertProblem(cancel(pci, "[1]"), 400, "invalid_json", null);
        assertThat(fingerprint(p.get("id").asString())).isEqualTo(before);
        // the longest allowed reason, and every special character secupay's rule allows, pass
        String allowed = "Aa0 .,+-:?()/'" + "x".repeat(86);
        assertThat(cancel(pci, "{\"reduce_amount_by\": 1, \"reason\": \"" + allowed + "\"}")
                        .status())
                .isEqualTo(200);
    }

    @Test
    void transactionIdsAndPaymentIdsDoNotCrossAndOtherMerchantsSeeNothing() {
        JsonNode p = payment(APPROVE, "manual", 1000);
        String pci = p.get("transactionId").asString();
        String before = fingerprint(p.get("id").asString());

        assertProblem(
                secupay.get("/api/v2/Payment/Transactions/" + p.get("id").asString()), 404, "resource_missing", "id");
        assertProblem(cancel(p.get("id").asString(), null), 404, "resource_missing", "id");
        assertProblem(api.get("/api2/payments/" + pci), 404, "resource_missing", "id");
        assertProblem(api.post("/api2/payments/" + pci + "/cancel", null), 404, "resource_missing", "id");
        Http stranger = Http.bearer(TestStack.newMerchantKey("Another shop"));
        assertProblem(stranger.get("/api/v2/Payment/Transactions/" + pci), 404, "resource_missing", "id");
        assertProblem(
                stranger.post("/api/v2/Payment/Transactions/" + pci + "/cancel", null), 404, "resource_missing", "id");
        assertProblem(
                Http.bearer("sk_test_wrong").get("/api/v2/Payment/Transactions/" + pci), 401, "api_key_invalid", null);
        assertThat(fingerprint(p.get("id").asString())).isEqualTo(before);
        // the X-Api-Key form works here too
        assertThat(api.get("/api/v2/Payment/Transactions/" + pci)
                        .body()
                        .get("id")
                        .asString())
                .isEqualTo(pci);
    }

    @Test
    void aRefundTransactionCannotItselfBeCancelled() {
        JsonNode p = payment(APPROVE, "automatic", 1000);
        String refundPci = cancel(p.get("transactionId").asString(), "{\"reduce_amount_by\": 100}")
                .body()
                .get(1)
                .get("id")
                .asString();
        awaitRefunded(p.get("id").asString(), 100);
        String before = fingerprint(p.get("id").asString());

        assertProblem(cancel(refundPci, null), 409, "payment_invalid_status", "id");
        assertThat(fingerprint(p.get("id").asString())).isEqualTo(before);
    }

    @Test
    void aHundredRacingOneCentRefundsOfFortyMakeExactlyFortyRefunds() throws Exception {
        JsonNode p = payment(APPROVE, "automatic", 40);
        String paymentId = p.get("id").asString();
        String pci = p.get("transactionId").asString();
        ExecutorService pool = Executors.newFixedThreadPool(25);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Http.Answer>> calls = IntStream.range(0, 100)
                    .mapToObj(i -> pool.submit(() -> {
                        go.await();
                        return cancel(pci, "{\"reduce_amount_by\": 1}");
                    }))
                    .toList();
            go.countDown();
            Map<Integer, Long> statuses = new java.util.TreeMap<>();
            for (Future<Http.Answer> call : calls) {
                Http.Answer answer = call.get();
                statuses.merge(answer.status(), 1L, Long::sum);
                if (answer.status() == 409) {
                    assertThat(answer.body().get("code").asString()).isEqualTo("amount_exceeds_refundable");
                }
            }
            assertThat(statuses).isEqualTo(Map.of(200, 40L, 409, 60L));
        } finally {
            pool.shutdownNow();
        }
        assertThat(TestStack.count("SELECT count(*) FROM refund.refunds WHERE payment_id = '" + paymentId + "'"))
                .isEqualTo(40);
        assertThat(TestStack.count("SELECT sum(amount) FROM refund.refunds WHERE payment_id = '" + paymentId + "'"))
                .isEqualTo(40);
        JsonNode original = transaction(pci);
        assertThat(original.get("related_transactions").size()).isEqualTo(40);
        assertThat(StreamSupport.stream(original.get("related_transactions").spliterator(), false)
                        .map(r -> r.get("id").asString())
                        .collect(Collectors.toSet()))
                .hasSize(40);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> api.get("/api2/payments/" + paymentId)
                                .body()
                                .get("amountRefunded")
                                .asLong()
                        == 40);
    }

    @Test
    void aRefundMadeThroughApi2ShowsHereWithItsParent() {
        JsonNode p = payment(APPROVE, "automatic", 7000);
        String pci = p.get("transactionId").asString();
        JsonNode refund =
                api.ok("/api2/refunds", "{\"paymentId\": \"" + p.get("id").asString() + "\", \"amount\": 2500}");

        await().atMost(Duration.ofSeconds(20))
                .until(() -> transaction(pci).get("related_transactions").size() == 1);
        String refundPci =
                transaction(pci).get("related_transactions").get(0).get("id").asString();
        JsonNode t = transaction(refundPci);
        assertThat(t.get("amount").asLong()).isEqualTo(-2500);
        assertThat(t.get("status").asInt()).isEqualTo(6);
        assertThat(t.get("related_transactions").get(0).get("id").asString()).isEqualTo(pci);
        assertThat(t.get("related_transactions").get(0).get("hierarchy").asString())
                .isEqualTo("parent");
        assertThat(refund.get("status").asString()).isEqualTo("succeeded");
        // and counts against the combined limit
        assertProblem(
                cancel(pci, "{\"reduce_amount_by\": 4501}"), 409, "amount_exceeds_refundable", "reduce_amount_by");
        assertThat(cancel(pci, "{\"reduce_amount_by\": 4500}").status()).isEqualTo(200);
    }

    @Test
    void anIdempotencyKeyReplaysTheAnswerWithoutASecondRefund() {
        JsonNode p = payment(APPROVE, "automatic", 1000);
        String path = "/api/v2/Payment/Transactions/" + p.get("transactionId").asString() + "/cancel";
        Function<String, org.springframework.test.web.reactive.server.EntityExchangeResult<String>> send =
                body -> secupay.client
                        .post()
                        .uri(path)
                        .header("Idempotency-Key", "cancel-" + p.get("id").asString())
                        .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                        .bodyValue(body)
                        .exchange()
                        .expectBody(String.class)
                        .returnResult();

        var first = send.apply("{\"reduce_amount_by\": 100}");
        var second = send.apply("{\"reduce_amount_by\": 100}");

        assertThat(first.getStatus().value()).isEqualTo(200);
        assertThat(second.getResponseBody()).isEqualTo(first.getResponseBody());
        assertThat(second.getResponseHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertThat(TestStack.count("SELECT count(*) FROM refund.refunds WHERE payment_id = '"
                        + p.get("id").asString() + "'"))
                .isEqualTo(1);
        assertThat(send.apply("{\"reduce_amount_by\": 101}").getStatus().value())
                .isEqualTo(422);
    }
}
