package dev.paygate.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.Topics;
import dev.paygate.contracts.event.CloudEventsKafka;
import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.event.StateChange;
import dev.paygate.devinfra.WebhookReceiver;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

/**
 * The dispatcher end to end on real Kafka and PostgreSQL: endpoints made through the internal API, state changes
 * produced to the real topics, webhooks received by a real HTTP server and verified with an independent Standard
 * Webhooks library. Each test uses merchants of its own, so tests don't see each other's webhooks.
 */
class WebhookDispatcherIT extends DispatcherTestBase {

    // ---- delivery ----

    @Test
    void deliversOneSignedWebhookPerEventToEachSubscribedEndpointOfTheMerchantOnly() throws Exception {
        String merchant = Ids.MERCHANT.next();
        Endpoint subscribed = createEndpoint(merchant, "/orders", List.of("payment.canceled", "refund.updated"));
        Endpoint otherType = createEndpoint(merchant, "/sessions-only", List.of("session.expired"));
        Endpoint otherMerchant = createEndpoint(Ids.MERCHANT.next(), "/someone-else", List.of("*"));
        String paymentId = Ids.PAYMENT.next();
        StateChange canceled = change(
                EventType.PAYMENT_CANCELED,
                merchant,
                paymentId,
                paymentId,
                "{\"id\":\"" + paymentId + "\",\"amount\":1000,\"status\":\"canceled\",\"version\":2}");

        publish(Topics.PAYMENT_EVENTS, canceled);

        await().atMost(WITHIN).until(() -> receiver.at("/orders").size() == 1);
        WebhookReceiver.Received webhook = receiver.at("/orders").get(0);
        assertThat(webhook.body())
                .isEqualTo("{\"id\":\"" + canceled.id() + "\",\"type\":\"payment.canceled\","
                        + "\"created\":\"" + canceled.time().truncatedTo(ChronoUnit.SECONDS)
                        + "\",\"apiVersion\":\"2023-10-31\","
                        + "\"data\":{\"object\":" + canceled.data() + "}}");
        assertThat(webhook.header("webhook-id")).isEqualTo(canceled.id());
        assertThat(webhook.header("content-type")).isEqualTo("application/json");
        assertThat(Long.parseLong(webhook.header("webhook-timestamp")))
                .isCloseTo(Instant.now().getEpochSecond(), Offset.offset(60L));
        assertVerifies(subscribed.secret(), webhook);

        // the same event again (a redelivery or a duplicate), then a new one behind it on the same partition:
        // once the new one has arrived, the duplicate has been consumed and must have made no delivery
        StateChange later = change(
                EventType.PAYMENT_CANCELED,
                merchant,
                paymentId,
                paymentId,
                "{\"id\":\"" + paymentId + "\",\"amount\":1000,\"status\":\"canceled\",\"version\":3}");
        publish(Topics.PAYMENT_EVENTS, canceled);
        publish(Topics.PAYMENT_EVENTS, later);
        // refunds come on their own topic
        String refundId = Ids.REFUND.next();
        StateChange refund = change(
                EventType.REFUND_UPDATED,
                merchant,
                refundId,
                paymentId,
                "{\"id\":\"" + refundId + "\",\"amount\":400,\"status\":\"succeeded\",\"version\":1}");
        publish(Topics.REFUND_EVENTS, refund);

        await().atMost(WITHIN).until(() -> receiver.at("/orders").size() >= 3);
        assertThat(receiver.at("/orders"))
                .extracting(r -> r.header("webhook-id"))
                .containsExactlyInAnyOrder(canceled.id(), later.id(), refund.id());
        assertThat(count("SELECT count(*) FROM deliveries WHERE event_id = ?", canceled.id()))
                .isEqualTo(1);
        assertThat(count(
                        "SELECT count(*) FROM deliveries WHERE endpoint_id IN (?, ?)",
                        otherType.id(),
                        otherMerchant.id()))
                .isZero();
        assertThat(receiver.at("/sessions-only")).isEmpty();
        assertThat(receiver.at("/someone-else")).isEmpty();
        await().atMost(WITHIN)
                .until(() -> count(
                                "SELECT count(*) FROM deliveries WHERE endpoint_id = ? AND status = 'succeeded' AND attempts = 1",
                                subscribed.id())
                        == 3);
    }

    @Test
    void aFailedAttemptIsRetriedWithTheSameIdAndEveryAttemptIsRecorded() throws Exception {
        String merchant = Ids.MERCHANT.next();
        receiver.answer("/flaky", 500);
        Endpoint endpoint = createEndpoint(merchant, "/flaky", List.of("*"));
        String sessionId = Ids.SESSION.next();
        StateChange expired = change(
                EventType.SESSION_EXPIRED,
                merchant,
                sessionId,
                sessionId,
                "{\"id\":\"" + sessionId + "\",\"status\":\"expired\",\"version\":2}");

        publish(Topics.PAYMENT_EVENTS, expired);

        await().atMost(WITHIN)
                .until(() -> count(
                                "SELECT count(*) FROM deliveries WHERE endpoint_id = ? AND status = 'succeeded'",
                                endpoint.id())
                        == 1);
        List<WebhookReceiver.Received> attempts = receiver.at("/flaky");
        assertThat(attempts).hasSize(2);
        assertThat(attempts).extracting(r -> r.header("webhook-id")).containsOnly(expired.id());
        assertThat(attempts)
                .extracting(WebhookReceiver.Received::body)
                .containsOnly(attempts.get(0).body());
        assertVerifies(endpoint.secret(), attempts.get(1));
        assertThat(rows("""
                SELECT a.status_code, a.response_body, a.error, d.attempts, d.last_status_code
                FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
                WHERE d.endpoint_id = ? ORDER BY a.attempted_at, a.id""", endpoint.id()))
                .containsExactly(List.of(500, "status 500", "null", 2, 200), List.of(200, "ok", "null", 2, 200));
    }

    @Test
    void aRedirectIsAFailureAndAfterTheLastAttemptTheDeliveryHasFailed() throws Exception {
        String merchant = Ids.MERCHANT.next();
        receiver.redirect("/moved", receiver.url("/moved-here"));
        Endpoint endpoint = createEndpoint(merchant, "/moved", List.of("payment.succeeded"));
        String paymentId = Ids.PAYMENT.next();

        publish(
                Topics.PAYMENT_EVENTS,
                change(
                        EventType.PAYMENT_SUCCEEDED,
                        merchant,
                        paymentId,
                        paymentId,
                        "{\"id\":\"" + paymentId + "\",\"status\":\"succeeded\",\"version\":1}"));

        await().atMost(WITHIN)
                .until(() -> count(
                                "SELECT count(*) FROM deliveries WHERE endpoint_id = ? AND status = 'failed' AND attempts = 4",
                                endpoint.id())
                        == 1);
        assertThat(receiver.at("/moved")).hasSize(4);
        assertThat(receiver.at("/moved-here")).isEmpty();
        assertThat(rows("""
                SELECT a.status_code FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
                WHERE d.endpoint_id = ?""", endpoint.id())).containsExactly(List.of(302), List.of(302), List.of(302), List.of(302));
    }

    @Test
    void anUnreachableEndpointGetsEveryAttemptRecordedWithItsError() throws Exception {
        String merchant = Ids.MERCHANT.next();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String endpointId = createEndpoint(merchant, "http://127.0.0.1:" + closedPort + "/gone", List.of("*"), null)
                .id();
        String paymentId = Ids.PAYMENT.next();

        publish(
                Topics.PAYMENT_EVENTS,
                change(
                        EventType.PAYMENT_CREATED,
                        merchant,
                        paymentId,
                        paymentId,
                        "{\"id\":\"" + paymentId + "\",\"version\":1}"));

        await().atMost(WITHIN)
                .until(() -> count(
                                "SELECT count(*) FROM deliveries WHERE endpoint_id = ? AND status = 'failed' AND attempts = 4",
                                endpointId)
                        == 1);
        assertThat(count("""
                SELECT count(*) FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
                WHERE d.endpoint_id = ? AND a.status_code IS NULL AND a.error IS NOT NULL AND a.response_body IS NULL""", endpointId)).isEqualTo(4);
    }

    @Test
    void aDeadSlowEndpointTimesOutWithoutHoldingUpTheMerchantsOtherEndpoints() throws Exception {
        String merchant = Ids.MERCHANT.next();
        receiver.hang("/slow");
        Endpoint slow = createEndpoint(merchant, "/slow", List.of("*"));
        Endpoint fast = createEndpoint(merchant, "/fast", List.of("*"));
        String paymentId = Ids.PAYMENT.next();

        publish(
                Topics.PAYMENT_EVENTS,
                change(
                        EventType.PAYMENT_REQUIRES_CAPTURE,
                        merchant,
                        paymentId,
                        paymentId,
                        "{\"id\":\"" + paymentId + "\",\"status\":\"requiresCapture\",\"version\":1}"));

        await().atMost(WITHIN)
                .until(() ->
                        receiver.at("/fast").size() == 1 && receiver.at("/slow").size() == 1);
        // the slow attempt is still waiting for its answer: the fast one did not queue behind it
        assertThat(count("SELECT count(*) FROM deliveries WHERE endpoint_id = ? AND attempts = 0", slow.id()))
                .isOne();
        await().atMost(WITHIN)
                .until(() -> count(
                                "SELECT count(*) FROM deliveries WHERE endpoint_id = ? AND status = 'succeeded'",
                                fast.id())
                        == 1);

        await().atMost(WITHIN)
                .until(() -> count("SELECT count(*) FROM deliveries WHERE endpoint_id = ? AND attempts >= 1", slow.id())
                        == 1);
        assertThat(rows("""
                SELECT a.status_code, a.error, a.latency_ms >= 3000, d.status
                FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
                WHERE d.endpoint_id = ? ORDER BY a.id LIMIT 1""", slow.id())).containsExactly(List.of("null", "no answer within 3000 ms", true, "pending"));
    }

    // ---- internal endpoint API ----

    @Test
    void createAnswersTheEndpointWithItsSecretOnceAndGetNeverShowsIt() {
        String merchant = Ids.MERCHANT.next();
        JsonNode created = json(api.post()
                .uri("/internal/webhook-endpoints")
                .header(MERCHANT, merchant)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"url\":\"https://hooks.example.com/paygate\",\"enabledEvents\":[\"refund.updated\"],"
                        + "\"description\":\"refund desk\"}")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody(String.class)
                .returnResult()
                .getResponseBody());

        assertThat(fieldNames(created))
                .containsExactly("id", "url", "enabledEvents", "description", "status", "created", "secret");
        assertThat(Ids.WEBHOOK_ENDPOINT.matches(created.get("id").asString())).isTrue();
        assertThat(created.get("url").asString()).isEqualTo("https://hooks.example.com/paygate");
        assertThat(created.get("enabledEvents").get(0).asString()).isEqualTo("refund.updated");
        assertThat(created.get("description").asString()).isEqualTo("refund desk");
        assertThat(created.get("status").asString()).isEqualTo("enabled");
        assertThat(created.get("created").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(created.get("secret").asString()).matches("whsec_[A-Za-z0-9+/]{32}");

        String id = created.get("id").asString();
        JsonNode read = json(api.get()
                .uri("/internal/webhook-endpoints/{id}", id)
                .header(MERCHANT, merchant)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody());
        assertThat(fieldNames(read)).containsExactly("id", "url", "enabledEvents", "description", "status", "created");
        assertThat(read.get("created")).isEqualTo(created.get("created"));

        api.get()
                .uri("/internal/webhook-endpoints/{id}", id)
                .header(MERCHANT, Ids.MERCHANT.next())
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("resource_missing")
                .jsonPath("$.status")
                .isEqualTo(404)
                .jsonPath("$.type")
                .isEqualTo("urn:paygate:problem:resource_missing")
                .jsonPath("$.title")
                .exists()
                .jsonPath("$.detail")
                .exists();
    }

    @Test
    void anUnknownFieldIsRefusedNamingIt() {
        expectProblem(
                "{\"url\":\"https://example.com\",\"enabledEvents\":[\"*\"],\"metadata\":{}}",
                "parameter_unknown",
                "metadata");
    }

    @Test
    void anUnknownEventTypeIsRefused() {
        expectProblem(
                "{\"url\":\"https://example.com\",\"enabledEvents\":[\"payment.exploded\"]}",
                "parameter_invalid",
                "enabledEvents");
    }

    @Test
    void aBadUrlIsRefused() {
        expectProblem("{\"url\":\"ftp://example.com/hook\",\"enabledEvents\":[\"*\"]}", "url_invalid", "url");
    }

    @Test
    void aRequestWithoutMerchantIsRefused() {
        api.post()
                .uri("/internal/webhook-endpoints")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"url\":\"https://example.com\",\"enabledEvents\":[\"*\"]}")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("parameter_missing")
                .jsonPath("$.param")
                .isEqualTo(MERCHANT);
    }

    @Test
    void aWrongMethodIsAProblemToo() {
        api.put()
                .uri("/internal/webhook-endpoints")
                .header(MERCHANT, Ids.MERCHANT.next())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{}")
                .exchange()
                .expectStatus()
                .isEqualTo(405)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("method_not_allowed");
    }

    @Test
    void aRecordThatIsNoStateChangeIsPassedAndTheEventsAroundItAreDelivered() throws Exception {
        String merchant = Ids.MERCHANT.next();
        createEndpoint(merchant, "/around-garbage", List.of("*"));
        String paymentId = Ids.PAYMENT.next();
        StateChange before = change(
                EventType.PAYMENT_CREATED,
                merchant,
                paymentId,
                paymentId,
                "{\"id\":\"" + paymentId + "\",\"version\":1}");
        StateChange after = change(
                EventType.PAYMENT_SUCCEEDED,
                merchant,
                paymentId,
                paymentId,
                "{\"id\":\"" + paymentId + "\",\"version\":2}");

        // one poll's batch: an event, a record without CloudEvents headers, an event (same key, same partition)
        producer.send(dev.paygate.contracts.event.CloudEventsKafka.toRecord(Topics.PAYMENT_EVENTS, before));
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                Topics.PAYMENT_EVENTS,
                paymentId,
                "not a state change".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        producer.send(dev.paygate.contracts.event.CloudEventsKafka.toRecord(Topics.PAYMENT_EVENTS, after))
                .get();

        await().atMost(WITHIN).until(() -> receiver.at("/around-garbage").size() == 2);
        assertThat(receiver.at("/around-garbage"))
                .extracting(r -> r.header("webhook-id"))
                .containsExactlyInAnyOrder(before.id(), after.id());
    }

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.kafka.config.KafkaListenerEndpointRegistry listeners;

    @Test
    void aPollsEventsAreRecordedTogetherEachWithOneDeliveryPerSubscribedEndpoint() throws Exception {
        String merchant = Ids.MERCHANT.next();
        String other = Ids.MERCHANT.next();
        createEndpoint(merchant, "/batch-all", List.of("*"));
        createEndpoint(merchant, "/batch-refunds", List.of("refund.updated"));
        createEndpoint(other, "/batch-other", List.of("payment.canceled"));
        String key = Ids.PAYMENT.next();
        StateChange already = change(EventType.PAYMENT_CANCELED, merchant, key, key, "{\"version\":1}");
        publish(Topics.PAYMENT_EVENTS, already);
        await().atMost(WITHIN).until(() -> receiver.at("/batch-all").size() == 1);

        // one poll (the listener stopped while they are produced, one partition): an event recorded before, ten new
        // ones of two merchants and two types, and one of them twice
        List<StateChange> fresh = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            fresh.add(change(
                    i % 2 == 0 ? EventType.PAYMENT_CANCELED : EventType.REFUND_UPDATED,
                    i % 3 == 0 ? other : merchant,
                    key + "_" + i,
                    key,
                    "{\"version\":" + (i + 2) + "}"));
        }
        var container = listeners.getListenerContainer("webhook-state-changes");
        container.stop();
        await().atMost(WITHIN).until(() -> !container.isRunning());
        producer.send(CloudEventsKafka.toRecord(Topics.PAYMENT_EVENTS, already));
        for (StateChange c : fresh) {
            producer.send(CloudEventsKafka.toRecord(Topics.PAYMENT_EVENTS, c));
        }
        producer.send(CloudEventsKafka.toRecord(Topics.PAYMENT_EVENTS, fresh.get(4)))
                .get();
        container.start();

        List<StateChange> mine =
                fresh.stream().filter(c -> c.merchantId().equals(merchant)).toList();
        List<StateChange> myRefunds =
                mine.stream().filter(c -> c.type() == EventType.REFUND_UPDATED).toList();
        List<StateChange> othersCanceled = fresh.stream()
                .filter(c -> c.merchantId().equals(other) && c.type() == EventType.PAYMENT_CANCELED)
                .toList();
        await().atMost(WITHIN)
                .until(() -> count(
                                "SELECT count(*) FROM deliveries WHERE status = 'succeeded' "
                                        + "AND event_id IN (SELECT id FROM events WHERE merchant_id IN (?, ?))",
                                merchant,
                                other)
                        == 1 + mine.size() + myRefunds.size() + othersCanceled.size());
        assertThat(receiver.at("/batch-all"))
                .extracting(r -> r.header("webhook-id"))
                .containsExactlyInAnyOrderElementsOf(
                        java.util.stream.Stream.concat(java.util.stream.Stream.of(already), mine.stream())
                                .map(StateChange::id)
                                .toList());
        assertThat(receiver.at("/batch-refunds"))
                .extracting(r -> r.header("webhook-id"))
                .containsExactlyInAnyOrderElementsOf(
                        myRefunds.stream().map(StateChange::id).toList());
        assertThat(receiver.at("/batch-other"))
                .extracting(r -> r.header("webhook-id"))
                .containsExactlyInAnyOrderElementsOf(
                        othersCanceled.stream().map(StateChange::id).toList());
        // recorded in the order they came (the events list pages by it)
        assertThat(rows("SELECT id FROM events WHERE merchant_id IN (?, ?) ORDER BY seq", merchant, other))
                .extracting(row -> row.get(0))
                .containsExactlyElementsOf(
                        java.util.stream.Stream.concat(java.util.stream.Stream.of(already), fresh.stream())
                                .map(StateChange::id)
                                .toList());
    }

    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    double started(String route) {
        var counter = meters.find("paygate.webhooks.attempts.started")
                .tag("route", route)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void freshDeliveriesGoToTheSendersInMemoryLeasedAndNeedNoClaim() throws Exception {
        String merchant = Ids.MERCHANT.next();
        Endpoint endpoint = createEndpoint(merchant, "/handed-over", List.of("*"));
        double handedOver = started("handed-over");
        String key = Ids.PAYMENT.next();
        List<StateChange> changes = java.util.stream.IntStream.range(0, 5)
                .mapToObj(i -> change(EventType.PAYMENT_CANCELED, merchant, key, key, "{\"version\":" + (i + 1) + "}"))
                .toList();
        for (StateChange c : changes) {
            publish(Topics.PAYMENT_EVENTS, c);
        }

        await().atMost(WITHIN)
                .until(() -> count(
                                "SELECT count(*) FROM deliveries WHERE endpoint_id = ? " + "AND status = 'succeeded'",
                                endpoint.id())
                        == 5);
        assertThat(receiver.at("/handed-over"))
                .extracting(r -> r.header("webhook-id"))
                .containsExactlyInAnyOrderElementsOf(
                        changes.stream().map(StateChange::id).toList());
        // (other tests' deliveries may be handed over or claimed meanwhile: at least these five went in memory)
        assertThat(started("handed-over") - handedOver).isGreaterThanOrEqualTo(5);
    }
}
