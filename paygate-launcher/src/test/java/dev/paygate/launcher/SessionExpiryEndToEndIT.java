package dev.paygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.standardwebhooks.Webhook;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.devinfra.WebhookReceiver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The foundation's path through all four services, through the public API only: create a session, register
 * a webhook endpoint, expire the session, receive and verify {@code session.expired}, and see a second expire
 * refused without a second webhook.
 */
class SessionExpiryEndToEndIT {

    static final JsonMapper JSON = PaygateJson.wire();
    static WebhookReceiver receiver;
    static WebTestClient api;

    @BeforeAll
    static void start() throws Exception {
        receiver = WebhookReceiver.start();
        api = WebTestClient.bindToServer()
                .baseUrl(TestStack.gatewayUrl())
                .responseTimeout(Duration.ofSeconds(20))
                .defaultHeader("X-Api-Key", TestStack.DEMO_KEY)
                .defaultHeader("X-Version", "2023-10-31")
                .build();
    }

    @AfterAll
    static void stop() {
        receiver.close();
    }

    static JsonNode post(String path, String body) {
        return JSON.readTree(api.post()
                .uri(path)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody(String.class)
                .returnResult()
                .getResponseBody());
    }

    static JsonNode createSession() {
        return post("/api2/sessions", """
                {"amount": 20000, "currency": "eur", "merchantReferenceId": "4002",
                 "successUrl": "https://mybestmerchantreturnurl.com/success",
                 "failureUrl": "https://mybestmerchantreturnurl.com/failure"}""");
    }

    @Test
    void expiringASessionAnswersTheDocumentedShapeAndSendsOneSignedWebhook() throws Exception {
        JsonNode endpoint = post(
                "/api2/webhook-endpoints",
                "{\"url\": \"" + receiver.url() + "\", \"enabledEvents\": [\"session.expired\"]}");
        String secret = endpoint.get("secret").asString();
        assertThat(secret).startsWith("whsec_");
        assertThat(endpoint.get("id").asString()).startsWith("we_");

        JsonNode created = createSession();
        String id = created.get("id").asString();
        assertThat(id).startsWith("ps_").hasSize(57);
        assertThat(created.get("status").asString()).isEqualTo("open");
        assertThat(created.get("paymentStatus").asString()).isEqualTo("unpaid");
        assertThat(created.get("currency").asString()).isEqualTo("EUR");
        Instant createdAt = Instant.parse(created.get("created").asString());
        assertThat(Instant.parse(created.get("expiresAt").asString())).isEqualTo(createdAt.plusSeconds(20 * 60));

        JsonNode read = JSON.readTree(api.get()
                .uri("/api2/sessions/{id}", id)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody());
        assertThat(read).isEqualTo(created);

        JsonNode expired = post("/api2/sessions/" + id + "/expire", "");

        // the BPC API's response example, field for field (plus version; docs/api.md, "Sessions")
        assertThat(expired.propertyNames())
                .containsExactly(
                        "id",
                        "amount",
                        "created",
                        "currency",
                        "customerDetails",
                        "expiresAt",
                        "failureUrl",
                        "locale",
                        "merchantReferenceId",
                        "metadata",
                        "paymentData",
                        "paymentStatus",
                        "status",
                        "successUrl",
                        "version");
        assertThat(expired.get("id").asString()).isEqualTo(id);
        assertThat(expired.get("amount").asLong()).isEqualTo(20000);
        assertThat(expired.get("created").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(expired.get("currency").asString()).isEqualTo("EUR");
        assertThat(expired.get("customerDetails").isObject()).isTrue();
        assertThat(expired.get("customerDetails").isEmpty()).isTrue();
        assertThat(expired.get("expiresAt").asString())
                .isEqualTo(created.get("expiresAt").asString());
        assertThat(expired.get("failureUrl").asString()).isEqualTo("https://mybestmerchantreturnurl.com/failure");
        assertThat(expired.get("locale").asString()).isEqualTo("EN");
        assertThat(expired.get("merchantReferenceId").asString()).isEqualTo("4002");
        assertThat(expired.get("metadata").isEmpty()).isTrue();
        assertThat(expired.get("paymentData").get("captureMethod").asString()).isEqualTo("automatic");
        assertThat(expired.get("paymentStatus").asString()).isEqualTo("unpaid");
        assertThat(expired.get("status").asString()).isEqualTo("expired");
        assertThat(expired.get("successUrl").asString()).isEqualTo("https://mybestmerchantreturnurl.com/success");
        assertThat(expired.get("version").asLong())
                .isEqualTo(created.get("version").asLong() + 1);

        await().atMost(Duration.ofSeconds(20)).until(() -> webhooksFor(id).size() == 1);
        WebhookReceiver.Received webhook = webhooksFor(id).get(0);
        new Webhook(secret).verify(webhook.body(), webhook.headers()); // throws unless the signature is valid
        JsonNode body = JSON.readTree(webhook.body());
        assertThat(body.get("type").asString()).isEqualTo("session.expired");
        assertThat(body.get("id").asString()).startsWith("evt_").isEqualTo(webhook.header("webhook-id"));
        assertThat(body.get("apiVersion").asString()).isEqualTo("2023-10-31");
        assertThat(body.get("data").get("object")).isEqualTo(expired);

        api.post()
                .uri("/api2/sessions/{id}/expire", id)
                .exchange()
                .expectStatus()
                .isEqualTo(409)
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("session_invalid_status")
                .jsonPath("$.status")
                .isEqualTo(409);

        // no second webhook: a later session's expiry arrives, and still only one for the first session
        String marker = createSession().get("id").asString();
        post("/api2/sessions/" + marker + "/expire", "");
        await().atMost(Duration.ofSeconds(20)).until(() -> webhooksFor(marker).size() == 1);
        assertThat(webhooksFor(id)).hasSize(1);
        assertThat(TestStack.count("SELECT count(*) FROM payment.outbox WHERE aggregate_id = '" + id
                        + "' AND type = 'session.expired'"))
                .isEqualTo(1);
        // the endpoint subscribed to session.expired only: no session.created reached it
        assertThat(receiver.received())
                .allSatisfy(r -> assertThat(JSON.readTree(r.body()).get("type").asString())
                        .isEqualTo("session.expired"));
    }

    private static List<WebhookReceiver.Received> webhooksFor(String sessionId) {
        return receiver.received().stream()
                .filter(r -> sessionId.equals(JSON.readTree(r.body())
                        .get("data")
                        .get("object")
                        .get("id")
                        .asString()))
                .toList();
    }
}
