package dev.paygate.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.Topics;
import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.event.StateChange;
import java.time.Instant;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

/**
 * The ops console's operator-wide reads on real Kafka and PostgreSQL: events by type within a window, failing
 * endpoints, and dead letters across merchants (gone once retried and delivered).
 */
class OpsReadsIT extends DispatcherTestBase {

    JsonNode ops(String path) {
        return json(api.get()
                .uri(path)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody());
    }

    static List<JsonNode> rowsOf(JsonNode list) {
        return StreamSupport.stream(list.get("data").spliterator(), false).toList();
    }

    static StateChange paymentEvent(String merchant, EventType type, Instant time) {
        String paymentId = Ids.PAYMENT.next();
        return new StateChange(
                Ids.EVENT.next(),
                type,
                "/paygate/webhook-it",
                time,
                paymentId,
                merchant,
                paymentId,
                "{\"id\":\"" + paymentId + "\",\"version\":1}");
    }

    @Test
    void eventsAreCountedByTypeWithinTheWindowOnly() throws Exception {
        String merchant = Ids.MERCHANT.next();
        long before = ops("/internal/ops/event-counts?windowSeconds=600")
                .get("counts")
                .path("payment.amountUpdated")
                .asLong(0);
        StateChange recent1 = paymentEvent(merchant, EventType.PAYMENT_AMOUNT_UPDATED, Instant.now());
        StateChange recent2 = paymentEvent(merchant, EventType.PAYMENT_AMOUNT_UPDATED, Instant.now());
        StateChange old = paymentEvent(
                merchant, EventType.PAYMENT_AMOUNT_UPDATED, Instant.now().minusSeconds(3600));
        publish(Topics.PAYMENT_EVENTS, recent1);
        publish(Topics.PAYMENT_EVENTS, recent2);
        publish(Topics.PAYMENT_EVENTS, old);

        await().atMost(WITHIN).until(() -> count("SELECT count(*) FROM events WHERE merchant_id = ?", merchant) == 3);
        JsonNode counts = ops("/internal/ops/event-counts?windowSeconds=600");
        assertThat(counts.get("windowSeconds").asLong()).isEqualTo(600);
        assertThat(counts.get("counts").get("payment.amountUpdated").asLong()).isEqualTo(before + 2);
        assertThat(counts.get("total").asLong()).isGreaterThanOrEqualTo(before + 2);
        // a window reaching back past the old one counts it too
        assertThat(ops("/internal/ops/event-counts?windowSeconds=7200")
                        .get("counts")
                        .get("payment.amountUpdated")
                        .asLong())
                .isGreaterThanOrEqualTo(before + 3);
    }

    @Test
    void aBadWindowOrLimitIsRefused() {
        for (String path : List.of(
                "/internal/ops/event-counts?windowSeconds=0",
                "/internal/ops/event-counts?windowSeconds=x",
                "/internal/ops/failing-endpoints?windowSeconds=999999999",
                "/internal/ops/dead-letters?limit=101")) {
            api.get()
                    .uri(path)
                    .exchange()
                    .expectStatus()
                    .isBadRequest()
                    .expectHeader()
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.code")
                    .isEqualTo("parameter_invalid");
        }
    }

    @Test
    void aDeadLetterIsListedWithItsMerchantAndItsFailingEndpointUntilARetryDeliversIt() throws Exception {
        String merchant = Ids.MERCHANT.next();
        receiver.always("/ops-down", 503);
        Endpoint failing = createEndpoint(merchant, "/ops-down", List.of("*"));
        Endpoint healthy = createEndpoint(merchant, "/ops-up", List.of("*"));
        StateChange event = paymentEvent(merchant, EventType.PAYMENT_SUCCEEDED, Instant.now());

        publish(Topics.PAYMENT_EVENTS, event);

        await().atMost(WITHIN)
                .until(() -> rowsOf(ops("/internal/ops/dead-letters?limit=100")).stream()
                        .anyMatch(r -> r.get("endpointId").asString().equals(failing.id())));
        JsonNode letter = rowsOf(ops("/internal/ops/dead-letters?limit=100")).stream()
                .filter(r -> r.get("endpointId").asString().equals(failing.id()))
                .findFirst()
                .orElseThrow();
        assertThat(letter.get("merchantId").asString()).isEqualTo(merchant);
        assertThat(letter.get("eventId").asString()).isEqualTo(event.id());
        assertThat(letter.get("eventType").asString()).isEqualTo("payment.succeeded");
        assertThat(letter.get("attempts").asInt()).isEqualTo(4);
        assertThat(letter.get("lastStatusCode").asInt()).isEqualTo(503);
        assertThat(letter.get("endpointUrl").asString()).isEqualTo(receiver.url("/ops-down"));
        assertThat(letter.toString()).doesNotContain(failing.secret());
        // the healthy endpoint got it, and only the failing one is listed as failing
        await().atMost(WITHIN).until(() -> receiver.at("/ops-up").size() == 1);
        List<JsonNode> endpoints = rowsOf(ops("/internal/ops/failing-endpoints?windowSeconds=600&limit=100"));
        JsonNode listed = endpoints.stream()
                .filter(e -> e.get("id").asString().equals(failing.id()))
                .findFirst()
                .orElseThrow();
        assertThat(listed.get("merchantId").asString()).isEqualTo(merchant);
        assertThat(listed.get("failedAttempts").asLong()).isEqualTo(4);
        assertThat(listed.get("lastStatusCode").asInt()).isEqualTo(503);
        assertThat(listed.get("deadLetters").asLong()).isEqualTo(1);
        assertThat(listed.toString()).doesNotContain(failing.secret());
        assertThat(endpoints).noneMatch(e -> e.get("id").asString().equals(healthy.id()));

        receiver.heal("/ops-down");
        api.post()
                .uri("/internal/webhook-deliveries/{id}/retry", letter.get("id").asString())
                .header(MERCHANT, merchant)
                .exchange()
                .expectStatus()
                .isOk();

        await().atMost(WITHIN)
                .until(() -> rowsOf(ops("/internal/ops/dead-letters?limit=100")).stream()
                        .noneMatch(r -> r.get("endpointId").asString().equals(failing.id())));
        assertThat(receiver.at("/ops-down")).hasSize(5);
        assertThat(count(
                        "SELECT count(*) FROM deliveries WHERE id = ? AND status = 'succeeded'",
                        letter.get("id").asString()))
                .isEqualTo(1);
    }
}
