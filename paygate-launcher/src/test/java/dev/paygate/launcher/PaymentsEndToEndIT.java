package dev.paygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.standardwebhooks.Webhook;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.devinfra.WebhookReceiver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Payments and paid sessions through the public API, on all four services, for a merchant of their own. */
class PaymentsEndToEndIT {

    static final String APPROVE = "4111111111111111";
    static final String DECLINE = "4000000000000002";
    static final String THREE_DS = "4000000000003220";

    static Http api;
    static Http other;
    static WebhookReceiver receiver;
    static String secret;

    @BeforeAll
    static void start() throws Exception {
        api = new Http(TestStack.newMerchantKey("Payments shop"));
        other = new Http(TestStack.newMerchantKey("Someone else"));
        receiver = WebhookReceiver.start();
        secret = api.ok("/api2/webhook-endpoints", "{\"url\": \"" + receiver.url() + "\", \"enabledEvents\": [\"*\"]}")
                .get("secret")
                .asString();
    }

    @AfterAll
    static void stop() {
        receiver.close();
    }

    static String card(String number) {
        return "{\"type\": \"card\", \"card\": {\"number\": \"" + number + "\", \"cvc\": \"123\", \"expiryMonth\": 12, "
                + "\"expiryYear\": 2030, \"holderName\": \"TEST CARDHOLDER\"}}";
    }

    static Http.Answer create(String number, String captureMethod, long amount) {
        return api.post(
                "/api2/payments",
                "{\"amount\": " + amount + ", \"currency\": \"EUR\", \"captureMethod\": \"" + captureMethod
                        + "\", \"confirm\": true, \"paymentMethod\": " + card(number) + "}");
    }

    static long events(String resourceId) {
        return TestStack.count("SELECT count(*) FROM payment.outbox WHERE aggregate_id = '" + resourceId
                + "' AND aggregate_type <> 'reply'");
    }

    static List<JsonNode> webhooks(String resourceId, String type) {
        return receiver.received().stream()
                .map(r -> PaygateJson.wire().readTree(r.body()))
                .filter(b -> b.get("type").asString().equals(type)
                        && resourceId.equals(
                                b.get("data").get("object").get("id").asString()))
                .toList();
    }

    @Test
    void anApprovedCardWithAutomaticCaptureSucceedsAtOnce() {
        Http.Answer answer = create(APPROVE, "automatic", 20000);

        assertThat(answer.status()).isEqualTo(200);
        JsonNode p = answer.body();
        assertThat(p.get("id").asString()).startsWith("p_").hasSize(54);
        assertThat(p.get("status").asString()).isEqualTo("succeeded");
        assertThat(p.get("amountReceived").asLong()).isEqualTo(20000);
        assertThat(p.get("amountCapturable").asLong()).isZero();
        assertThat(p.get("paymentMethod").get("card").get("maskedNumber").asString())
                .isEqualTo("411111**1111");
        assertThat(p.get("transactionId").asString()).matches("PCI_[A-Z0-9]{30}");
        assertThat(api.get("/api2/payments/" + p.get("id").asString()).body()).isEqualTo(p);
        // one event per change: created, then succeeded
        assertThat(events(p.get("id").asString())).isEqualTo(2);
    }

    @Test
    void aDeclinedCardAnswers402AndThePaymentWaitsForAnotherCard() {
        Http.Answer answer = create(DECLINE, "automatic", 5000);

        assertThat(answer.status()).isEqualTo(402);
        assertThat(answer.body().get("code").asString()).isEqualTo("card_declined");
        JsonNode payment = answer.body().get("payment");
        assertThat(payment.get("status").asString()).isEqualTo("requiresPaymentMethod");
        assertThat(payment.get("lastPaymentError").get("code").asString()).isEqualTo("card_declined");

        String id = payment.get("id").asString();
        JsonNode retried = api.ok("/api2/payments/" + id + "/confirm", "{\"paymentMethod\": " + card(APPROVE) + "}");
        assertThat(retried.get("status").asString()).isEqualTo("succeeded");
    }

    @Test
    void threeDSecureThenCaptureInPartsThenCancelIsRefused() {
        JsonNode p = create(THREE_DS, "manual", 10000).body();
        assertThat(p.get("status").asString()).isEqualTo("requiresAction");
        String id = p.get("id").asString();

        assertThat(api.ok("/api2/payments/" + id + "/test-3ds", "{\"result\": \"success\"}")
                        .get("status")
                        .asString())
                .isEqualTo("requiresCapture");
        JsonNode captured = api.ok("/api2/payments/" + id + "/capture", "{\"amountToCapture\": 6000}");
        assertThat(captured.get("status").asString()).isEqualTo("succeeded");
        assertThat(captured.get("amountReceived").asLong()).isEqualTo(6000);
        assertThat(captured.get("amountCapturable").asLong()).isZero();
        long eventsBefore = events(id);

        Http.Answer cancel = api.post("/api2/payments/" + id + "/cancel", null);

        assertThat(cancel.status()).isEqualTo(409);
        assertThat(cancel.body().get("code").asString()).isEqualTo("payment_invalid_status");
        assertThat(cancel.body().get("detail").asString()).contains("succeeded");
        assertThat(events(id)).isEqualTo(eventsBefore);
    }

    @Test
    void theRefundTestCardsAreApprovedForPayment() {
        for (String number : List.of("4000000000007726", "4000000000005126")) {
            JsonNode p = create(number, "automatic", 2500).body();
            assertThat(p.get("status").asString()).as(number).isEqualTo("succeeded");
            assertThat(p.get("paymentMethod").get("card").get("maskedNumber").asString())
                    .isEqualTo(number.substring(0, 6) + "**" + number.substring(12));
        }
    }

    @Test
    void aFailed3DSecureLeavesThePaymentWaitingForAnotherCard() {
        String id = create(THREE_DS, "automatic", 3000).body().get("id").asString();

        JsonNode failed = api.ok("/api2/payments/" + id + "/test-3ds", "{\"result\": \"failure\"}");

        assertThat(failed.get("status").asString()).isEqualTo("requiresPaymentMethod");
        assertThat(failed.get("lastPaymentError").get("code").asString()).isEqualTo("authentication_failed");
    }

    @Test
    void cancelFromEachAllowedStatus() {
        String waitingForCard = api.ok("/api2/payments", "{\"amount\": 1000, \"currency\": \"EUR\"}")
                .get("id")
                .asString();
        String waitingFor3ds = create(THREE_DS, "manual", 1000).body().get("id").asString();
        String authorized = create(APPROVE, "manual", 1000).body().get("id").asString();

        for (String id : List.of(waitingForCard, waitingFor3ds, authorized)) {
            JsonNode canceled = api.ok("/api2/payments/" + id + "/cancel", "{\"cancellationReason\": \"abandoned\"}");
            assertThat(canceled.get("status").asString()).isEqualTo("canceled");
            assertThat(canceled.get("amountCapturable").asLong()).isZero();
            assertThat(canceled.get("cancellationReason").asString()).isEqualTo("abandoned");
            assertThat(canceled.get("canceledAt").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        }
        // canceled is final: a second cancel is refused and emits nothing
        long before = events(authorized);
        Http.Answer again = api.post("/api2/payments/" + authorized + "/cancel", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().get("code").asString()).isEqualTo("payment_invalid_status");
        assertThat(events(authorized)).isEqualTo(before);
    }

    @Test
    void cancellingAnAuthorizationAnswersTheDocumentedShapeAndSendsPaymentCanceled() throws Exception {
        JsonNode p = api.ok("/api2/payments", """
                {"amount": 10000, "currency": "EUR", "captureMethod": "manual", "confirm": true,
                 "paymentMethod": %s,
                 "customerDetails": {"address": {"city": "Test city", "country": "CY", "line1": "Test address1",
                     "line2": "Test address2", "postalCode": "Test postal code", "state": "Test state"},
                     "email": "test@example.com", "name": "TEST CARDHOLDER", "phone": "+449998887766"},
                 "description": "Some description", "merchantCustomerId": "123", "metadata": {},
                 "paymentMethodOptions": {"card": {"threeDSecureMode": "automatic", "verify": true}},
                 "returnUrl": "https://mybestmerchantreturnurl.com/", "setupFutureUsage": {"category": "unscheduled"}}""".formatted(card(APPROVE)));
        assertThat(p.get("status").asString()).isEqualTo("requiresCapture");
        assertThat(p.get("amountCapturable").asLong()).isEqualTo(10000);

        JsonNode c = api.ok("/api2/payments/" + p.get("id").asString() + "/cancel", null);

        assertThat(c.propertyNames())
                .containsExactly(
                        "id",
                        "amount",
                        "amountCapturable",
                        "amountReceived",
                        "canceledAt",
                        "captureMethod",
                        "created",
                        "currency",
                        "customerDetails",
                        "description",
                        "merchantCustomerId",
                        "metadata",
                        "paymentMethod",
                        "paymentMethodOptions",
                        "returnUrl",
                        "setupFutureUsage",
                        "status",
                        "amountRefunded",
                        "cancellationReason",
                        "transactionId",
                        "lastPaymentError",
                        "version");
        assertThat(c.get("amount").asLong()).isEqualTo(10000);
        assertThat(c.get("amountCapturable").asLong()).isZero();
        assertThat(c.get("amountReceived").asLong()).isZero();
        assertThat(Instant.parse(c.get("canceledAt").asString())).isBeforeOrEqualTo(Instant.now());
        assertThat(c.get("captureMethod").asString()).isEqualTo("manual");
        assertThat(c.get("customerDetails")).isEqualTo(PaygateJson.wire().readTree("""
                {"address": {"city": "Test city", "country": "CY", "line1": "Test address1", "line2": "Test address2",
                 "postalCode": "Test postal code", "state": "Test state"}, "email": "test@example.com",
                 "name": "TEST CARDHOLDER", "phone": "+449998887766"}"""));
        assertThat(c.get("description").asString()).isEqualTo("Some description");
        assertThat(c.get("merchantCustomerId").asString()).isEqualTo("123");
        assertThat(c.get("paymentMethod")).isEqualTo(PaygateJson.wire().readTree("""
                {"card": {"expiryMonth": 12, "expiryYear": 2030, "holderName": "TEST CARDHOLDER",
                 "maskedNumber": "411111**1111"}, "type": "card"}"""));
        assertThat(c.get("paymentMethodOptions")
                        .get("card")
                        .get("threeDSecureMode")
                        .asString())
                .isEqualTo("automatic");
        assertThat(c.get("paymentMethodOptions").get("card").get("verify").asBoolean())
                .isTrue();
        assertThat(c.get("returnUrl").asString()).isEqualTo("https://mybestmerchantreturnurl.com/");
        assertThat(c.get("setupFutureUsage").get("category").asString()).isEqualTo("unscheduled");
        assertThat(c.get("status").asString()).isEqualTo("canceled");

        String id = c.get("id").asString();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> webhooks(id, "payment.canceled").size() == 1);
        WebhookReceiver.Received hook = receiver.received().stream()
                .filter(r ->
                        r.body().contains("\"payment.canceled\"") && r.body().contains(id))
                .findFirst()
                .orElseThrow();
        new Webhook(secret).verify(hook.body(), hook.headers());
        assertThat(webhooks(id, "payment.canceled").get(0).get("data").get("object"))
                .isEqualTo(c);
    }

    @Test
    void ofFiftyConcurrentCancelsAndCapturesExactlyOneWins() {
        String id = create(APPROVE, "manual", 7000).body().get("id").asString();
        long before = events(id);

        // 50 threads of the test's own, all released at once by the latch
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(50);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<Http.Answer>> futures = IntStream.range(0, 50)
                .mapToObj(i -> clients.submit(() -> {
                    go.await();
                    return api.post("/api2/payments/" + id + (i % 2 == 0 ? "/cancel" : "/capture"), null);
                }))
                .toList();
        go.countDown();
        List<Http.Answer> answers = futures.stream()
                .map(f -> {
                    try {
                        return f.get(120, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
        clients.shutdown();

        assertThat(answers).filteredOn(a -> a.status() == 200).hasSize(1);
        assertThat(answers)
                .filteredOn(a -> a.status() == 409)
                .hasSize(49)
                .allSatisfy(a -> assertThat(a.body().get("code").asString()).isEqualTo("payment_invalid_status"));
        assertThat(events(id)).isEqualTo(before + 1);
    }

    @Test
    void payingASessionCompletesItAndAPaidSessionCannotBeExpired() {
        JsonNode session = api.ok("/api2/sessions", "{\"amount\": 4200, \"currency\": \"EUR\"}");
        String id = session.get("id").asString();

        JsonNode paid = api.ok("/api2/sessions/" + id + "/pay", "{\"paymentMethod\": " + card(APPROVE) + "}");

        assertThat(paid.get("status").asString()).isEqualTo("completed");
        assertThat(paid.get("paymentStatus").asString()).isEqualTo("paid");
        String paymentId = paid.get("paymentId").asString();
        JsonNode payment = api.get("/api2/payments/" + paymentId).body();
        assertThat(payment.get("status").asString()).isEqualTo("succeeded");
        assertThat(payment.get("amountReceived").asLong()).isEqualTo(4200);
        Http.Answer expire = api.post("/api2/sessions/" + id + "/expire", null);
        assertThat(expire.status()).isEqualTo(409);
        assertThat(expire.body().get("code").asString()).isEqualTo("session_invalid_status");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> webhooks(id, "session.completed").size() == 1);
    }

    @Test
    void aDeclinedCardLeavesTheSessionOpen() {
        String id = api.ok("/api2/sessions", "{\"amount\": 4200, \"currency\": \"EUR\"}")
                .get("id")
                .asString();

        Http.Answer declined = api.post("/api2/sessions/" + id + "/pay", "{\"paymentMethod\": " + card(DECLINE) + "}");

        assertThat(declined.status()).isEqualTo(402);
        assertThat(declined.body().get("code").asString()).isEqualTo("card_declined");
        assertThat(api.get("/api2/sessions/" + id).body().get("status").asString())
                .isEqualTo("open");
    }

    @Test
    void anOpenSessionExpiresByItselfOnceWithASignedWebhook() throws Exception {
        // comfortably above the test stack's 2 s minimum lifetime, whatever the truncation to seconds and the clock do
        String expiresAt = Instant.now()
                .plusSeconds(6)
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString();
        String id = api.ok(
                        "/api2/sessions",
                        "{\"amount\": 900, \"currency\": \"EUR\", \"expiresAt\": \"" + expiresAt + "\"}")
                .get("id")
                .asString();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> webhooks(id, "session.expired").size() == 1);

        WebhookReceiver.Received hook = receiver.received().stream()
                .filter(r ->
                        r.body().contains("\"session.expired\"") && r.body().contains(id))
                .findFirst()
                .orElseThrow();
        new Webhook(secret).verify(hook.body(), hook.headers());
        assertThat(api.get("/api2/sessions/" + id).body().get("status").asString())
                .isEqualTo("expired");
        assertThat(api.post("/api2/sessions/" + id + "/expire", null).status()).isEqualTo(409);
        assertThat(TestStack.count("SELECT count(*) FROM payment.outbox WHERE aggregate_id = '" + id
                        + "' AND type = 'session.expired'"))
                .isEqualTo(1);
    }

    @Test
    void anotherMerchantsPaymentIsMissingOnEveryEndpoint() {
        String id = create(APPROVE, "manual", 1500).body().get("id").asString();
        String session = api.ok("/api2/sessions", "{\"amount\": 900, \"currency\": \"EUR\"}")
                .get("id")
                .asString();
        long before = events(id);

        assertThat(other.get("/api2/payments/" + id).status()).isEqualTo(404);
        for (String action : List.of("/confirm", "/capture", "/cancel")) {
            Http.Answer answer = other.post("/api2/payments/" + id + action, null);
            assertThat(answer.status()).as(action).isEqualTo(404);
            assertThat(answer.body().get("code").asString()).isEqualTo("resource_missing");
        }
        assertThat(other.post("/api2/payments/" + id + "/test-3ds", "{\"result\": \"success\"}")
                        .status())
                .isEqualTo(404);
        assertThat(other.post("/api2/sessions/" + session + "/pay", "{\"paymentMethod\": " + card(APPROVE) + "}")
                        .status())
                .isEqualTo(404);
        assertThat(events(id)).isEqualTo(before);
        assertThat(api.get("/api2/payments/" + id).body().get("status").asString())
                .isEqualTo("requiresCapture");
        assertThat(api.get("/api2/sessions/" + session).body().get("status").asString())
                .isEqualTo("open");
    }

    @Test
    void theSamePaymentPostedTwiceWithOneIdempotencyKeyIsOnePayment() {
        String key = "order-" + java.util.UUID.randomUUID();
        String body = "{\"amount\": 3300, \"currency\": \"EUR\", \"confirm\": true, \"paymentMethod\": " + card(APPROVE)
                + "}";
        long paymentsBefore = TestStack.count("SELECT count(*) FROM payment.payments");

        org.springframework.test.web.reactive.server.EntityExchangeResult<String> first = api.client
                .post()
                .uri("/api2/payments")
                .header("Idempotency-Key", key)
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult();
        org.springframework.test.web.reactive.server.EntityExchangeResult<String> second = api.client
                .post()
                .uri("/api2/payments")
                .header("Idempotency-Key", key)
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult();

        assertThat(second.getResponseBody()).isEqualTo(first.getResponseBody());
        assertThat(second.getResponseHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertThat(TestStack.count("SELECT count(*) FROM payment.payments")).isEqualTo(paymentsBefore + 1);

        api.client
                .post()
                .uri("/api2/payments")
                .header("Idempotency-Key", key)
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(body.replace("3300", "3301"))
                .exchange()
                .expectStatus()
                .isEqualTo(422)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("idempotency_key_reused");
        assertThat(TestStack.count("SELECT count(*) FROM payment.payments")).isEqualTo(paymentsBefore + 1);
    }

    @Test
    void theCardNumberIsNowhereInTheDatabaseOrTheTopics() {
        create(APPROVE, "automatic", 1234);
        create(THREE_DS, "manual", 1234);

        long tablesWithThePan = TestStack.count("""
                SELECT count(*) FROM (
                  SELECT (xpath('/row/c/text()', query_to_xml(format(
                    'SELECT count(*) AS c FROM %I.%I t WHERE t::text LIKE ''%%4111111111111111%%'' OR t::text LIKE ''%%4000000000003220%%''',
                    table_schema, table_name), false, true, '')))[1]::text::int AS hits
                  FROM information_schema.tables
                  WHERE table_schema IN ('gateway', 'payment', 'refund', 'webhook') AND table_type = 'BASE TABLE') found
                WHERE hits > 0""");
        assertThat(tablesWithThePan).isZero();
        assertThat(TestStack.count("SELECT count(*) FROM payment.payments WHERE card::text LIKE '%411111**1111%'"))
                .isPositive();
        assertThat(TopicScan.anyRecordContains(List.of("4111111111111111", "4000000000003220")))
                .isFalse();
        assertThat(TestStack.LOG_LINES)
                .isNotEmpty()
                .noneMatch(line -> line.contains("4111111111111111") || line.contains("4000000000003220"));
    }
}
