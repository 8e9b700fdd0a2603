package dev.paygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.standardwebhooks.Webhook;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.WebhookReceiver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import tools.jackson.databind.JsonNode;

/** Refunds through the public API on all four services, for a merchant of their own. */
class RefundsEndToEndIT {

    static Http api;
    static WebhookReceiver receiver;
    static String secret;

    @BeforeAll
    static void start() throws Exception {
        api = new Http(TestStack.newMerchantKey("Refunds shop"));
        receiver = WebhookReceiver.start();
        secret = api.ok(
                        "/api2/webhook-endpoints",
                        "{\"url\": \"" + receiver.url() + "\", \"enabledEvents\": [\"refund.updated\"]}")
                .get("secret")
                .asString();
    }

    @AfterAll
    static void stop() {
        receiver.close();
    }

    static String payment(String card, String captureMethod, long amount) {
        JsonNode p = api.ok(
                "/api2/payments",
                "{\"amount\": " + amount + ", \"currency\": \"EUR\", \"captureMethod\": \""
                        + captureMethod
                        + "\", \"confirm\": true, \"paymentMethod\": {\"type\": \"card\", \"card\": {\"number\": \""
                        + card
                        + "\", \"cvc\": \"123\", \"expiryMonth\": 12, \"expiryYear\": 2030, \"holderName\": \"T\"}}}");
        return p.get("id").asString();
    }

    static Http.Answer refund(String paymentId, Long amount) {
        return api.post(
                "/api2/refunds",
                "{\"paymentId\": \"" + paymentId + "\"" + (amount == null ? "" : ", \"amount\": " + amount) + "}");
    }

    static long refundsStored(String paymentId) {
        return TestStack.count("SELECT count(*) FROM refund.refunds WHERE payment_id = '" + paymentId + "'");
    }

    static List<JsonNode> webhooksFor(String refundId) {
        return receiver.received().stream()
                .map(r -> PaygateJson.wire().readTree(r.body()))
                .filter(b ->
                        refundId.equals(b.get("data").get("object").get("id").asString()))
                .toList();
    }

    @Test
    void theRefundWalkThroughOfTheApiGuide() throws Exception {
        String p = payment("4111111111111111", "automatic", 100000);

        Http.Answer first = refund(p, 70000L);

        assertThat(first.status()).isEqualTo(200);
        JsonNode r = first.body();
        assertThat(r.propertyNames()).startsWith("amount", "created", "currency", "id", "paymentId", "status");
        assertThat(r.get("amount").asLong()).isEqualTo(70000);
        assertThat(r.get("currency").asString()).isEqualTo("EUR");
        assertThat(r.get("id").asString()).startsWith("re_").hasSize(100);
        assertThat(r.get("paymentId").asString()).isEqualTo(p);
        assertThat(r.get("status").asString()).isEqualTo("succeeded");
        assertThat(r.get("created").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");

        Http.Answer tooMuch = refund(p, 30001L);
        assertThat(tooMuch.status()).isEqualTo(409);
        assertThat(tooMuch.body().get("code").asString()).isEqualTo("amount_exceeds_refundable");
        JsonNode second = refund(p, 30000L).body();
        assertThat(second.get("status").asString()).isEqualTo("succeeded");
        assertThat(refund(p, 1L).status()).isEqualTo(409);
        assertThat(refund(p, null).status()).isEqualTo(409);
        assertThat(refundsStored(p)).isEqualTo(2);

        JsonNode list = api.get("/api2/payments/" + p + "/refunds").body();
        assertThat(list.get("hasMore").asBoolean()).isFalse();
        assertThat(list.get("data")).extracting(n -> n.get("amount").asLong()).containsExactly(30000L, 70000L);
        JsonNode page = api.get("/api2/payments/" + p + "/refunds?limit=1").body();
        assertThat(page.get("hasMore").asBoolean()).isTrue();
        assertThat(page.get("data").get(0).get("id").asString())
                .isEqualTo(second.get("id").asString());
        JsonNode next = api.get("/api2/payments/" + p + "/refunds?limit=1&startingAfter="
                        + second.get("id").asString())
                .body();
        assertThat(next.get("data")).as(String.valueOf(next)).isNotNull();
        assertThat(next.get("data").get(0).get("id").asString())
                .isEqualTo(r.get("id").asString());
        assertThat(next.get("hasMore").asBoolean()).isFalse();

        assertThat(api.get("/api2/refunds/" + r.get("id").asString()).body()).isEqualTo(r);
        // the payment stays succeeded; its amountRefunded grows as refunds succeed
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get("/api2/payments/" + p)
                                .body()
                                .get("amountRefunded")
                                .asLong()
                        == 100000);
        assertThat(api.get("/api2/payments/" + p).body().get("status").asString())
                .isEqualTo("succeeded");
        // every status a refund takes, its first included, is announced: pending, then succeeded
        String id = r.get("id").asString();
        await().atMost(Duration.ofSeconds(20)).until(() -> webhooksFor(id).size() == 2);
        assertThat(webhooksFor(id))
                .extracting(b -> b.get("data").get("object").get("status").asString())
                .containsExactlyInAnyOrder("pending", "succeeded");
        WebhookReceiver.Received hook = receiver.received().stream()
                .filter(h -> h.body().contains(id))
                .findFirst()
                .orElseThrow();
        new Webhook(secret).verify(hook.body(), hook.headers());
    }

    @Test
    void aRefundRetriedWithItsIdempotencyKeyIsOneRefund() {
        String p = payment("4111111111111111", "automatic", 900);
        String body = "{\"paymentId\": \"" + p + "\", \"amount\": 400}";

        for (int i = 0; i < 3; i++) {
            api.client
                    .post()
                    .uri("/api2/refunds")
                    .header("Idempotency-Key", "refund-" + p)
                    .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                    .bodyValue(body)
                    .exchange()
                    .expectStatus()
                    .isOk();
        }

        assertThat(refundsStored(p)).isEqualTo(1);
        assertThat(api.get("/api2/payments/" + p + "/refunds").body().get("data"))
                .hasSize(1);
    }

    @Test
    void aReversedRefundFailsAndGivesItsAmountBack() {
        String p = payment("4111111111111111", "automatic", 800);
        String id = refund(p, null).body().get("id").asString();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get("/api2/payments/" + p)
                                .body()
                                .get("amountRefunded")
                                .asLong()
                        == 800);

        JsonNode reversed = api.ok("/api2/refunds/" + id + "/test-reverse", "{\"reason\": \"Chargeback\"}");

        assertThat(reversed.get("status").asString()).isEqualTo("failed");
        assertThat(reversed.get("failureReason").asString()).isEqualTo("Chargeback");
        await().atMost(Duration.ofSeconds(20)).until(() -> webhooksFor(id).size() == 3);
        assertThat(webhooksFor(id))
                .extracting(b -> b.get("data").get("object").get("status").asString())
                .containsExactlyInAnyOrder("pending", "succeeded", "failed");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get("/api2/payments/" + p)
                                .body()
                                .get("amountRefunded")
                                .asLong()
                        == 0);
        Http.Answer again = api.post("/api2/refunds/" + id + "/test-reverse", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().get("code").asString()).isEqualTo("refund_invalid_status");
        assertThat(refund(p, 800L).status()).isEqualTo(200);
    }

    @Test
    void refusalsStoreNothing() {
        String authorized = payment("4111111111111111", "manual", 5000);
        String canceled = payment("4111111111111111", "manual", 5000);
        api.ok("/api2/payments/" + canceled + "/cancel", null);
        long before = TestStack.count("SELECT count(*) FROM refund.refunds");

        Http.Answer onAuthorized = refund(authorized, 100L);
        Http.Answer onCanceled = refund(canceled, 100L);
        Http.Answer onUnknown = refund(dev.paygate.contracts.Ids.PAYMENT.next(), 100L);
        Http.Answer zero = refund(authorized, 0L);
        Http.Answer fraction = api.post("/api2/refunds", "{\"paymentId\": \"" + authorized + "\", \"amount\": 1.5}");

        assertThat(onAuthorized.status()).isEqualTo(409);
        assertThat(onAuthorized.body().get("code").asString()).isEqualTo("payment_invalid_status");
        assertThat(onCanceled.status()).isEqualTo(409);
        assertThat(onCanceled.body().get("code").asString()).isEqualTo("payment_invalid_status");
        assertThat(onUnknown.status()).isEqualTo(404);
        assertThat(zero.status()).isEqualTo(400);
        assertThat(zero.body().get("code").asString()).isEqualTo("amount_invalid");
        assertThat(fraction.status()).isEqualTo(400);
        assertThat(TestStack.count("SELECT count(*) FROM refund.refunds")).isEqualTo(before);
    }

    @Test
    void aPendingThenFailedRefundGivesItsAmountBack() {
        String p = payment("4000000000005126", "automatic", 4000);

        JsonNode pending = refund(p, 4000L).body();
        assertThat(pending.get("status").asString()).isEqualTo("pending");
        String id = pending.get("id").asString();

        await().atMost(Duration.ofSeconds(30)).until(() -> webhooksFor(id).size() == 2);
        List<JsonNode> hooks = webhooksFor(id).stream()
                .sorted(java.util.Comparator.comparing(
                        b -> b.get("data").get("object").get("version").asLong()))
                .toList();
        assertThat(hooks)
                .extracting(b -> b.get("data").get("object").get("status").asString())
                .containsExactly("pending", "failed");
        assertThat(Instant.parse(hooks.get(0).get("created").asString()))
                .isBeforeOrEqualTo(Instant.parse(hooks.get(1).get("created").asString()));
        JsonNode failed = api.get("/api2/refunds/" + id).body();
        assertThat(failed.get("status").asString()).isEqualTo("failed");
        assertThat(failed.get("failureReason").asString()).isNotBlank();

        assertThat(api.get("/api2/payments/" + p).body().get("amountRefunded").asLong())
                .isZero();
        Http.Answer again = refund(p, 4000L);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("status").asString()).isEqualTo("pending");
    }

    @Test
    void aPendingThenSucceededRefundIsSettledByTheJanitor() {
        String p = payment("4000000000007726", "automatic", 2500);

        String id = refund(p, null).body().get("id").asString();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> api.get("/api2/refunds/" + id)
                        .body()
                        .get("status")
                        .asString()
                        .equals("succeeded"));
        assertThat(refund(p, 1L).body().get("code").asString()).isEqualTo("amount_exceeds_refundable");
    }

    @Test
    void twoHundredConcurrentRefundsOfOneAgainstFiftyAcceptExactlyFifty() throws Exception {
        assertExactlyFiftyOfTwoHundred();
    }

    @Test
    void theSameWithTwoRefundServiceInstancesConsuming() throws Exception {
        ConfigurableApplicationContext second = TestStack.get()
                .startAnotherRefundService(
                        DevInfrastructure.shared(),
                        TestStack.jdbcUrl(),
                        List.of("--paygate.refunds.pending-age=1s", "--paygate.refunds.janitor-interval=200ms"));
        try {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> second.getBean(KafkaListenerEndpointRegistry.class).getListenerContainers().stream()
                            .allMatch(c -> c.getAssignedPartitions() != null
                                    && !c.getAssignedPartitions().isEmpty()));
            assertExactlyFiftyOfTwoHundred();
        } finally {
            second.close();
        }
    }

    private void assertExactlyFiftyOfTwoHundred() throws Exception {
        String p = payment("4111111111111111", "automatic", 50);
        ExecutorService clients = Executors.newFixedThreadPool(40);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Http.Answer>> futures = IntStream.range(0, 200)
                .mapToObj(i -> clients.submit(() -> {
                    go.await();
                    return refund(p, 1L);
                }))
                .toList();
        go.countDown();
        List<Http.Answer> answers = futures.stream()
                .map(f -> {
                    try {
                        return f.get(120, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
        clients.shutdown();

        assertThat(answers).filteredOn(a -> a.status() == 200).hasSize(50);
        assertThat(answers)
                .filteredOn(a -> a.status() == 409)
                .hasSize(150)
                .allSatisfy(a -> assertThat(a.body().get("code").asString()).isEqualTo("amount_exceeds_refundable"));
        assertThat(refundsStored(p)).isEqualTo(50);
        assertThat(TestStack.count("SELECT refund_reserved FROM refund.payments WHERE payment_id = '" + p + "'"))
                .isEqualTo(50);
        assertThat(TestStack.count("SELECT coalesce(sum(amount), 0) FROM refund.refunds WHERE payment_id = '" + p
                        + "' AND status <> 'failed'"))
                .isEqualTo(50);
        // one refund.updated per status change: pending and succeeded for each of the 50
        assertThat(TestStack.count("SELECT count(*) FROM refund.outbox WHERE message_key = '" + p
                        + "' AND type = 'refund.updated'"))
                .isEqualTo(100);
    }
}
