package dev.paygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.Topics;
import dev.paygate.devinfra.WebhookReceiver;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Metrics, traces and logs of the running stack: each service's /actuator/prometheus has the metric families
 * operators watch, and one trace id goes from the gateway's HTTP request through Kafka and the services to the
 * webhook request, and into the JSON log lines written on the way.
 */
class ObservabilityIT {

    @Test
    void everyServiceExposesItsMetricFamiliesAfterTraffic() throws Exception {
        Http api = new Http(TestStack.newMerchantKey("Metrics shop"));
        JsonNode payment;
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            api.ok("/api2/webhook-endpoints", "{\"url\": \"" + receiver.url() + "\", \"enabledEvents\": [\"*\"]}");
            payment = api.ok(
                    "/api2/payments",
                    "{\"amount\": 1000, \"currency\": \"EUR\", \"captureMethod\": "
                            + "\"automatic\", \"confirm\": true, \"paymentMethod\": {\"type\": \"card\", \"card\": {\"number\": "
                            + "\"4111111111111111\", \"cvc\": \"123\", \"expiryMonth\": 12, \"expiryYear\": 2030, "
                            + "\"holderName\": \"T\"}}}");
            Http.Answer refund = api.post(
                    "/api2/refunds", "{\"paymentId\": \"" + payment.get("id").asString() + "\", \"amount\": 100}");
            assertThat(refund.status()).isEqualTo(200);
            assertThat(api.get("/api2/payments/" + Ids.PAYMENT.next()).status()).isEqualTo(404);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> !receiver.received().isEmpty());
        }
        Map<String, Integer> ports = TestStack.get().ports();

        String gateway = scrape(ports.get("gateway-api"));
        // requests by route (the pattern, never the id) and status
        assertThat(gateway)
                .containsPattern("http_server_requests_seconds_count\\{[^}]*method=\"POST\"[^}]*"
                        + "status=\"200\"[^}]*uri=\"/api2/payments\"");
        assertThat(gateway)
                .containsPattern("http_server_requests_seconds_count\\{[^}]*status=\"404\"[^}]*"
                        + "uri=\"/api2/payments/\\{id}\"");
        // command latency, by command type and outcome
        assertThat(gateway)
                .containsPattern("paygate_commands_seconds_count\\{[^}]*command=\"CreatePayment\"[^}]*"
                        + "outcome=\"replied\"[^}]*status=\"2xx\"");
        assertThat(gateway).containsPattern("paygate_commands_seconds_bucket\\{[^}]*command=\"CreateRefund\"");
        assertThat(gateway).containsPattern("paygate_commands_seconds_count\\{[^}]*command=\"CreateRefund\"");
        assertThat(gateway).doesNotContain(payment.get("id").asString());

        // and payment-service's part of it: applying the command
        assertThat(scrape(ports.get("payment-service")))
                .containsPattern(
                        "paygate_commands_applied_seconds_count\\{[^}]*command=\"CreatePayment\"[^}]*outcome=\"applied\"");

        for (String service : List.of("payment-service", "refund-service", "webhook-dispatcher")) {
            String metrics = scrape(ports.get(service));
            // consumer lag (Kafka's own client metric) and the outbox backlog
            assertThat(metrics).as(service).contains("kafka_consumer_fetch_manager_records_lag_max");
            assertThat(metrics).as(service).containsPattern("(?m)^paygate_outbox_backlog\\{[^}]*} [0-9.E]+$");
        }
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(scrape(ports.get("refund-service")))
                        .containsPattern("paygate_refunds\\{[^}]*status=\"(pending|succeeded)\"[^}]*} [1-9]"));
        assertThat(scrape(ports.get("refund-service"))).containsPattern("paygate_refunds\\{[^}]*status=\"failed\"");
        String webhook = scrape(ports.get("webhook-dispatcher"));
        // webhook delivery outcomes and queue depth
        assertThat(webhook).containsPattern("paygate_webhooks_attempts_total\\{[^}]*outcome=\"succeeded\"[^}]*} [1-9]");
        assertThat(webhook).containsPattern("paygate_webhooks_queue\\{[^}]*state=\"due\"");
        assertThat(webhook).containsPattern("paygate_webhooks_queue\\{[^}]*state=\"pending\"");

        // retention: rows purged and the oldest row's age, per table each service purges
        Map<String, List<String>> retained = Map.of(
                "gateway-api", List.of("idempotency_keys"),
                "payment-service", List.of("outbox", "inbox"),
                "refund-service", List.of("outbox", "inbox"),
                "webhook-dispatcher", List.of("outbox", "inbox", "events", "deliveries", "delivery_attempts"));
        for (Map.Entry<String, List<String>> service : retained.entrySet()) {
            String metrics = scrape(ports.get(service.getKey()));
            for (String table : service.getValue()) {
                assertThat(metrics)
                        .as(service.getKey())
                        .containsPattern("(?m)^paygate_retention_purged_rows_total\\{[^}]*table=\"" + table
                                + "\"[^}]*} [0-9.E]+$");
                assertThat(metrics)
                        .as(service.getKey())
                        .containsPattern("(?m)^paygate_retention_oldest_age_seconds\\{[^}]*table=\"" + table
                                + "\"[^}]*} [0-9.E]+$");
            }
        }
    }

    @Test
    void oneTraceIdFromTheGatewayThroughKafkaToTheWebhookAndTheLogs() throws Exception {
        Http api = new Http(TestStack.newMerchantKey("Traced shop"));
        String traceId = hex(32);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(new Tee(original, console), true, StandardCharsets.UTF_8));
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            api.ok(
                    "/api2/webhook-endpoints",
                    "{\"url\": \"" + receiver.url() + "\", \"enabledEvents\": [\"session.created\"]}");
            // a caller that traces already: the gateway continues its trace (W3C Trace Context)
            String session = api.client
                    .post()
                    .uri("/api2/sessions")
                    .header("traceparent", "00-" + traceId + "-" + hex(16) + "-01")
                    .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                    .bodyValue("{\"amount\": 700, \"currency\": \"EUR\"}")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody(JsonNode.class)
                    .returnResult()
                    .getResponseBody()
                    .get("id")
                    .asString();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> !receiver.received().isEmpty());

            // the command the gateway published
            List<Map<String, String>> commands = TopicScan.headersOfRecordsContaining(Topics.PAYMENT_COMMANDS, session);
            assertThat(commands)
                    .isNotEmpty()
                    .allSatisfy(h -> assertThat(traceIdOf(h.get("traceparent"))).isEqualTo(traceId));
            // the event payment-service published through its outbox, later, from another thread
            List<Map<String, String>> events = TopicScan.headersOfRecordsContaining(Topics.PAYMENT_EVENTS, session);
            assertThat(events)
                    .isNotEmpty()
                    .allSatisfy(h -> assertThat(traceIdOf(h.get("traceparent"))).isEqualTo(traceId));
            // the reply it sent the gateway
            assertThat(TopicScan.headersOfRecordsContaining(Topics.COMMAND_REPLIES, session))
                    .isNotEmpty()
                    .allSatisfy(h -> assertThat(traceIdOf(h.get("traceparent"))).isEqualTo(traceId));
            // the webhook request the dispatcher sent, from its delivery worker
            WebhookReceiver.Received hook = receiver.received().get(0);
            assertThat(hook.body()).contains(session);
            assertThat(traceIdOf(hook.header("traceparent"))).isEqualTo(traceId);
            // each hop is a span of its own: the webhook request names a span no record named
            assertThat(hook.header("traceparent"))
                    .isNotIn(events.get(0).get("traceparent"), commands.get(0).get("traceparent"));

            // a JSON log line written while payment-service applied the command carries the trace id
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> console.toString(StandardCharsets.UTF_8)
                            .lines()
                            .anyMatch(line -> line.startsWith("{") && line.contains(traceId)));
            String line = console.toString(StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> l.startsWith("{") && l.contains(traceId))
                    .findFirst()
                    .orElseThrow();
            JsonNode json = dev.paygate.contracts.json.PaygateJson.wire().readTree(line);
            assertThat(json.toString()).contains(traceId);
            assertThat(json.path("message").asString()).isNotEmpty();
        } finally {
            System.setOut(original);
        }
    }

    /**
     * refund-service takes its commands in batches (no per-record observation): each command's refund event and
     * reply still go on in the trace of the request that sent it, not in another request's.
     */
    @Test
    void aRefundKeepsItsRequestsTraceThroughTheBatchConsumer() {
        Http api = new Http(TestStack.newMerchantKey("Traced refunds"));
        String payment = api.ok(
                        "/api2/payments",
                        "{\"amount\": 900, \"currency\": \"EUR\", \"captureMethod\": "
                                + "\"automatic\", \"confirm\": true, \"paymentMethod\": {\"type\": \"card\", \"card\": {\"number\": "
                                + "\"4111111111111111\", \"cvc\": \"123\", \"expiryMonth\": 12, \"expiryYear\": 2030, "
                                + "\"holderName\": \"T\"}}}")
                .get("id")
                .asString();
        java.util.Map<String, String> refunds = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            String traceId = hex(32);
            String refund = api.client
                    .post()
                    .uri("/api2/refunds")
                    .header("traceparent", "00-" + traceId + "-" + hex(16) + "-01")
                    .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                    .bodyValue("{\"paymentId\": \"" + payment + "\", \"amount\": 100}")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody(JsonNode.class)
                    .returnResult()
                    .getResponseBody()
                    .get("id")
                    .asString();
            refunds.put(refund, traceId);
        }
        refunds.forEach((refund, traceId) -> {
            assertThat(TopicScan.headersOfRecordsContaining(Topics.REFUND_COMMANDS, refund))
                    .isNotEmpty()
                    .allSatisfy(h -> assertThat(traceIdOf(h.get("traceparent"))).isEqualTo(traceId));
            // the event the command made is in the request's trace (later ones, made by the refund janitor when the
            // acquirer settles, are not part of any request), and none is in another refund request's trace
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(TopicScan.headersOfRecordsContaining(Topics.REFUND_EVENTS, refund))
                            .anySatisfy(h ->
                                    assertThat(traceIdOf(h.get("traceparent"))).isEqualTo(traceId))
                            .noneSatisfy(h -> assertThat(refunds.values().stream()
                                            .filter(t -> !t.equals(traceId))
                                            .toList())
                                    .contains(
                                            h.get("traceparent") == null ? "none" : traceIdOf(h.get("traceparent")))));
        });
    }

    private static String scrape(int port) throws Exception {
        // a plain client: the exposition (latency histograms included) is larger than WebClient buffers by default
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create("http://localhost:" + port + "/actuator/prometheus"))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** The trace id of a W3C traceparent ({@code 00-<trace id>-<span id>-<flags>}). */
    private static String traceIdOf(String traceparent) {
        assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
        return traceparent.split("-")[1];
    }

    private static String hex(int digits) {
        StringBuilder s = new StringBuilder();
        while (s.length() < digits) {
            s.append(Integer.toHexString(ThreadLocalRandom.current().nextInt(16)));
        }
        return s.toString();
    }

    /** Writes to the console as before and keeps a copy. */
    private static final class Tee extends OutputStream {

        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            first.write(b);
            synchronized (second) {
                second.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            first.write(b, off, len);
            synchronized (second) {
                second.write(b, off, len);
            }
        }
    }
}
