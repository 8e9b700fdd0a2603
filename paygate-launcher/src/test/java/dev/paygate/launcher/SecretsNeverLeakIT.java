package dev.paygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.acquirer.simulator.TestCard;
import dev.paygate.devinfra.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The secrecy promises (docs/reliability.md, "Security checks") after a run that touches every test card, in every path
 * that takes a card (payment create with confirm, 3-D Secure completion, session pay, refunds pending, succeeded and
 * failed, a cancel, a refused card): no card number and no CVC in any table, topic or log line, or in a refusal; the
 * API key and the webhook secrets (old and rotated) in no log line and no topic; the API key stored only as its SHA-256
 * digest.
 */
class SecretsNeverLeakIT {

    private static final String CVC = "739";

    @Test
    void noCardNumberCvcKeyOrSecretLeaksAnywhere() throws Exception {
        String key = TestStack.newMerchantKey("secrets-" + System.nanoTime());
        Http api = new Http(key);
        List<String> secrets = new ArrayList<>();
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            JsonNode endpoint = api.ok(
                    "/api2/webhook-endpoints", "{\"url\": \"" + receiver.url() + "\", \"enabledEvents\": [\"*\"]}");
            secrets.add(endpoint.get("secret").asString());
            secrets.add(api.ok("/api2/webhook-endpoints/" + endpoint.get("id").asString() + "/rotate-secret", null)
                    .get("secret")
                    .asString());

            List<String> refundable = new ArrayList<>();
            for (TestCard card : TestCard.values()) {
                Http.Answer automatic = api.post("/api2/payments", payment(card.number(), "automatic", true));
                assertThat(automatic.status()).as(card.name()).isIn(200, 402);
                assertNoSecretIn(automatic.body().toString(), card);
                Http.Answer manual = api.post("/api2/payments", payment(card.number(), "manual", true));
                assertNoSecretIn(manual.body().toString(), card);
                if (card == TestCard.THREE_DS) {
                    String id = automatic.body().get("id").asString();
                    assertThat(api.ok("/api2/payments/" + id + "/test-3ds", "{\"result\": \"success\"}")
                                    .get("status")
                                    .asString())
                            .isEqualTo("succeeded");
                    refundable.add(id);
                } else if (automatic.status() == 200) {
                    refundable.add(automatic.body().get("id").asString());
                }
                if (manual.status() == 200
                        && "requiresCapture".equals(manual.body().get("status").asString())) {
                    api.ok("/api2/payments/" + manual.body().get("id").asString() + "/cancel", null);
                }
                JsonNode session = api.ok("/api2/sessions", "{\"amount\": 700, \"currency\": \"EUR\"}");
                Http.Answer paid = api.post(
                        "/api2/sessions/" + session.get("id").asString() + "/pay",
                        "{\"paymentMethod\": {\"type\": \"card\", \"card\": " + card(card.number()) + "}}");
                assertNoSecretIn(String.valueOf(paid.body()), card);
                // the hosted page's form takes the same card (a payer's browser: no key), twice: the second answer
                // is the "already paid" page or, for a card that was not authorized, the failure redirect (a card
                // that needs 3-D Secure: the redirect to its challenge)
                String hosted = api.ok(
                                "/api2/sessions",
                                "{\"amount\": 700, \"currency\": \"EUR\", "
                                        + "\"successUrl\": \"https://shop.example/ok\", \"failureUrl\": \"https://shop.example/ko\"}")
                        .get("id")
                        .asString();
                for (int attempt = 0; attempt < 2; attempt++) {
                    var page = org.springframework.test.web.reactive.server.WebTestClient.bindToServer()
                            .baseUrl(TestStack.gatewayUrl())
                            .responseTimeout(Duration.ofSeconds(40))
                            .build()
                            .post()
                            .uri("/pay/" + hosted)
                            .contentType(org.springframework.http.MediaType.APPLICATION_FORM_URLENCODED)
                            .bodyValue("cardNumber=" + card.number() + "&expiryMonth=12&expiryYear=2030&cvc=" + CVC)
                            .exchange()
                            .expectBody(String.class)
                            .returnResult();
                    assertThat(page.getStatus().value()).as(card.name()).isIn(303, 409);
                    assertNoSecretIn(String.valueOf(page.getResponseBody()) + page.getResponseHeaders(), card);
                }
                // a refused request that carries the card: the refusal must not echo it
                Http.Answer refused = api.post(
                        "/api2/payments",
                        payment(card.number(), "automatic", true)
                                .replace("\"expiryMonth\": 12", "\"expiryMonth\": 13"));
                assertThat(refused.status()).isEqualTo(400);
                assertNoSecretIn(refused.body().toString(), card);
            }
            for (String payment : refundable) {
                api.ok("/api2/refunds", "{\"paymentId\": \"" + payment + "\", \"amount\": 100}");
            }
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> receiver.received().stream()
                            .anyMatch(r ->
                                    r.body().contains("\"failed\"") && r.body().contains("refund.updated")));
        }

        List<String> needles = new ArrayList<>();
        for (TestCard card : TestCard.values()) {
            needles.add(card.number());
        }
        needles.add("\"cvc\"");
        needles.add("cvc=" + CVC);
        needles.add(key);
        needles.addAll(secrets);
        needles.addAll(secrets.stream().map(s -> s.substring("whsec_".length())).toList());

        assertThat(TopicScan.anyRecordContains(needles))
                .as("a topic holds a card number, CVC, key or secret")
                .isFalse();
        // the scan does read the topics: what may be kept of a card is there
        assertThat(TopicScan.anyRecordContains(List.of("400000**5126"))).isTrue();
        assertThat(TestStack.LOG_LINES)
                .isNotEmpty()
                .noneMatch(line -> needles.stream().anyMatch(line::contains));
        for (String needle : List.of(
                TestCard.APPROVE.number(),
                TestCard.DECLINE.number(),
                TestCard.THREE_DS.number(),
                TestCard.REFUND_PENDING_THEN_SUCCEEDED.number(),
                TestCard.REFUND_PENDING_THEN_FAILED.number(),
                "\"cvc\"",
                "\"\"cvc\"\"",
                key)) {
            assertThat(tablesContaining(needle))
                    .as("tables holding " + needle.substring(0, Math.min(6, needle.length())) + "…")
                    .isZero();
        }
        String digest = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        assertThat(tablesContaining(digest))
                .as("the key is stored as its digest")
                .isEqualTo(1);
        for (String secret : secrets) {
            assertThat(tablesContaining(secret))
                    .as("only the dispatcher keeps a signing secret")
                    .isLessThanOrEqualTo(1);
            assertThat(TestStack.count("SELECT count(*) FROM (" + scanTables(secret)
                            + ") found WHERE hits > 0 AND schema <> 'webhook'"))
                    .isZero();
        }
    }

    private static void assertNoSecretIn(String text, TestCard card) {
        assertThat(text).doesNotContain(card.number()).doesNotContain("\"cvc\"").doesNotContain(CVC + "\"");
    }

    private static String payment(String number, String captureMethod, boolean confirm) {
        return "{\"amount\": 5000, \"currency\": \"EUR\", \"captureMethod\": \"" + captureMethod + "\", \"confirm\": "
                + confirm + ", \"paymentMethod\": {\"type\": \"card\", \"card\": " + card(number) + "}}";
    }

    private static String card(String number) {
        return "{\"number\": \"" + number + "\", \"cvc\": \"" + CVC + "\", \"expiryMonth\": 12, \"expiryYear\": 2030, "
                + "\"holderName\": \"Ada Lovelace\"}";
    }

    /** How many tables, over the four services' schemas, have a row whose text contains {@code needle}. */
    private static long tablesContaining(String needle) {
        return TestStack.count("SELECT count(*) FROM (" + scanTables(needle) + ") found WHERE hits > 0");
    }

    private static String scanTables(String needle) {
        String literal = needle.replace("'", "''''");
        return """
                SELECT table_schema AS schema, (xpath('/row/c/text()', query_to_xml(format(
                  'SELECT count(*) AS c FROM %I.%I t WHERE t::text LIKE ''%%NEEDLE%%''',
                  table_schema, table_name), false, true, '')))[1]::text::int AS hits
                FROM information_schema.tables
                WHERE table_schema IN ('gateway', 'payment', 'refund', 'webhook') AND table_type = 'BASE TABLE'""".replace("NEEDLE", literal);
    }
}
