package dev.paygate.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.Topics;
import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.event.StateChange;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.contracts.webhook.DeadLetter;
import dev.paygate.devinfra.WebhookReceiver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

/**
 * Retries, dead letters, replay, recovery, disabling, the attempt log and the events API, on the real dispatcher
 * (retry schedule compressed to 0 s, 1 s, 1 s, 1 s; attempt timeout 3 s; endpoints failing for 6 s are disabled).
 */
class DeliveryManagementIT extends DispatcherTestBase {

    // ---- retries ----

    @Test
    void aReceiverThatFailsThreeTimesGetsTheEventOnTheFourthAttemptSignedAfreshEachTime() throws Exception {
        String merchant = Ids.MERCHANT.next();
        receiver.answer("/thrice", 500, 503, 502);
        Endpoint endpoint = createEndpoint(merchant, "/thrice", List.of("*"));
        StateChange event = paymentEvent(merchant, EventType.PAYMENT_SUCCEEDED);

        publish(Topics.PAYMENT_EVENTS, event);

        await().atMost(WITHIN)
                .until(() -> count(
                                "SELECT count(*) FROM deliveries WHERE endpoint_id = ? AND status = 'succeeded'",
                                endpoint.id())
                        == 1);
        List<WebhookReceiver.Received> attempts = receiver.at("/thrice");
        assertThat(attempts).hasSize(4);
        assertThat(attempts).extracting(r -> r.header("webhook-id")).containsOnly(event.id());
        List<Long> timestamps = attempts.stream()
                .map(r -> Long.parseLong(r.header("webhook-timestamp")))
                .toList();
        for (WebhookReceiver.Received attempt : attempts) {
            assertVerifies(endpoint.secret(), attempt);
            // signed when sent, not when the event was recorded
            assertThat(Long.parseLong(attempt.header("webhook-timestamp")))
                    .isBetween(
                            attempt.receivedAt().getEpochSecond() - 1,
                            attempt.receivedAt().getEpochSecond());
        }
        assertThat(timestamps).isSorted();
        assertThat(timestamps.get(3)).isGreaterThan(timestamps.get(0));

        JsonNode deliveries = get("/internal/webhook-endpoints/" + endpoint.id() + "/deliveries", merchant)
                .get("data");
        assertThat(deliveries.size()).isEqualTo(1);
        JsonNode delivery = deliveries.get(0);
        assertThat(delivery.get("eventId").asString()).isEqualTo(event.id());
        assertThat(delivery.get("eventType").asString()).isEqualTo("payment.succeeded");
        assertThat(delivery.get("status").asString()).isEqualTo("succeeded");
        assertThat(delivery.get("lastStatusCode").asInt()).isEqualTo(200);
        assertThat(delivery.get("nextAttemptAt").isNull()).isTrue();
        assertThat(delivery.get("attempts")
                        .valueStream()
                        .map(a -> a.get("statusCode").asInt())
                        .toList())
                .containsExactly(500, 503, 502, 200);
        assertThat(delivery.get("attempts").get(0).get("responseBody").asString())
                .isEqualTo("status 500");
        assertThat(delivery.get("attempts").get(0).has("latencyMs")).isTrue();
        assertThat(get("/internal/webhook-deliveries/" + delivery.get("id").asString(), merchant))
                .isEqualTo(delivery);
        // and counted: attempts by outcome, their latency
        assertThat(meters.get("paygate.webhooks.attempts")
                        .tag("outcome", "retrying")
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(3);
        assertThat(meters.get("paygate.webhooks.attempts")
                        .tag("outcome", "succeeded")
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(1);
        assertThat(meters.get("paygate.webhooks.attempt.latency")
                        .tag("answer", "5xx")
                        .timer()
                        .count())
                .isGreaterThanOrEqualTo(3);
    }

    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @Test
    void aReceiverAlwaysAnswering500EndsFailedOnTheDeadLetterTopicAndAManualRetryDeliversItOnceFixed()
            throws Exception {
        String merchant = Ids.MERCHANT.next();
        receiver.always("/down", 500);
        Endpoint endpoint = createEndpoint(merchant, "/down", List.of("refund.updated"));
        String refundId = Ids.REFUND.next();
        StateChange event = change(
                EventType.REFUND_UPDATED,
                merchant,
                refundId,
                Ids.PAYMENT.next(),
                "{\"id\":\"" + refundId + "\",\"status\":\"pending\",\"version\":1}");
        try (KafkaConsumer<String, byte[]> dlq = dlqConsumer()) {
            publish(Topics.REFUND_EVENTS, event);

            await().atMost(WITHIN)
                    .until(() -> count(
                                    "SELECT count(*) FROM deliveries WHERE endpoint_id = ? AND status = 'failed' AND attempts = 4",
                                    endpoint.id())
                            == 1);
            DeadLetter letter = awaitDeadLetter(dlq, endpoint.id());
            String deliveryId = letter.deliveryId();
            assertThat(letter.eventId()).isEqualTo(event.id());
            assertThat(letter.eventType()).isEqualTo("refund.updated");
            assertThat(letter.merchantId()).isEqualTo(merchant);
            assertThat(letter.attempts()).isEqualTo(4);
            assertThat(letter.lastStatusCode()).isEqualTo(500);
            assertThat(letter.reason()).isEqualTo(DeadLetter.EXHAUSTED);
            assertThat(receiver.at("/down")).hasSize(4);
            // operators see it: the dead-letter gauge counts failed deliveries
            await().atMost(WITHIN)
                    .until(() ->
                            meters.get("paygate.webhooks.dead.letters").gauge().value() >= 1);
            assertThat(meters.get("paygate.webhooks.attempts")
                            .tag("outcome", "failed")
                            .counter()
                            .count())
                    .isGreaterThanOrEqualTo(1);
            // the endpoint's other state is untouched: 4 failures in ~3 s is not yet "failing for 6 s"
            assertThat(get("/internal/webhook-endpoints/" + endpoint.id(), merchant)
                            .get("status")
                            .asString())
                    .isEqualTo("enabled");

            receiver.heal("/down");
            JsonNode retried = post("/internal/webhook-deliveries/" + deliveryId + "/retry", merchant, null, 200);
            assertThat(retried.get("status").asString()).isEqualTo("pending");

            await().atMost(WITHIN)
                    .until(() ->
                            count("SELECT count(*) FROM deliveries WHERE id = ? AND status = 'succeeded'", deliveryId)
                                    == 1);
            assertThat(receiver.at("/down"))
                    .hasSize(5)
                    .extracting(r -> r.header("webhook-id"))
                    .containsOnly(event.id());
            assertVerifies(endpoint.secret(), receiver.at("/down").get(4));
            assertThat(get("/internal/webhook-deliveries/" + deliveryId, merchant)
                            .get("attempts")
                            .size())
                    .isEqualTo(5);
        }
    }

    @Test
    void aRetryOfAnotherMerchantsOrAnUnknownDeliveryIsNotFound() {
        String merchant = Ids.MERCHANT.next();
        api.method(HttpMethod.POST)
                .uri("/internal/webhook-deliveries/{id}/retry", Ids.WEBHOOK_DELIVERY.next())
                .header(MERCHANT, merchant)
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("resource_missing");
    }

    @Test
    void retryAfterIsHonoured() throws Exception {
        String merchant = Ids.MERCHANT.next();
        receiver.answer("/busy", 429);
        receiver.retryAfter("/busy", "3");
        Endpoint endpoint = createEndpoint(merchant, "/busy", List.of("*"));

        publish(Topics.PAYMENT_EVENTS, paymentEvent(merchant, EventType.PAYMENT_CREATED));

        await().atMost(WITHIN).until(() -> receiver.at("/busy").size() == 2);
        List<WebhookReceiver.Received> attempts = receiver.at("/busy");
        // the schedule says ~1 s; the receiver asked for 3 s
        assertThat(Duration.between(
                        attempts.get(0).receivedAt(), attempts.get(1).receivedAt()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(2900));
        await().atMost(WITHIN)
                .until(() -> count(
                                "SELECT count(*) FROM deliveries WHERE endpoint_id = ? AND status = 'succeeded'",
                                endpoint.id())
                        == 1);
    }

    // ---- isolation ----

    @Test
    void anEndpointThatHangsForTheWholeTimeoutDoesNotHoldUpAThousandEventsToAnother() throws Exception {
        String merchant = Ids.MERCHANT.next();
        receiver.hang("/hangs");
        Endpoint hanging = createEndpoint(merchant, "/hangs", List.of("*"));
        createEndpoint(merchant, "/healthy", List.of("*"));
        List<StateChange> events = IntStream.range(0, 1000)
                .mapToObj(i -> paymentEvent(merchant, EventType.PAYMENT_CREATED))
                .toList();
        try {
            Instant start = Instant.now();
            List<Future<?>> sends = new ArrayList<>();
            for (StateChange event : events) {
                sends.add(producer.send(
                        dev.paygate.contracts.event.CloudEventsKafka.toRecord(Topics.PAYMENT_EVENTS, event)));
            }
            for (Future<?> send : sends) {
                send.get();
            }

            // the bound: 60 s for 1,000 deliveries on a 2-core machine, while the hanging endpoint holds its
            // attempts for the whole 3 s timeout each, again and again
            await().atMost(Duration.ofSeconds(60)).until(() -> distinctIds("/healthy", merchant) == 1000);
            Duration took = Duration.between(start, Instant.now());
            assertThat(distinctIds("/healthy", merchant)).isEqualTo(1000);
            // the hanging endpoint never held more than its share of the attempt slots
            assertThat(count(
                            "SELECT count(*) FROM deliveries WHERE endpoint_id = ? AND status = 'pending' "
                                    + "AND locked_until > now()",
                            hanging.id()))
                    .isLessThanOrEqualTo(4);
            System.out.println(
                    "1000 webhooks to a healthy endpoint beside a hanging one took " + took.toMillis() + " ms");
        } finally {
            // stop sending to it: its deliveries would hold slots for the rest of the run
            api.delete()
                    .uri("/internal/webhook-endpoints/{id}", hanging.id())
                    .header(MERCHANT, merchant)
                    .exchange()
                    .expectStatus()
                    .isOk();
            receiver.heal("/hangs");
        }
    }

    // ---- disabling, re-enabling, recovery ----

    @Test
    void goneDisablesTheEndpointWhichThenGetsNothingAndReEnabledRecoverSendsAgain() throws Exception {
        String merchant = Ids.MERCHANT.next();
        receiver.always("/gone", 410);
        Endpoint endpoint = createEndpoint(merchant, "/gone", List.of("*"));
        Instant before = Instant.now().minusSeconds(1);
        StateChange first = paymentEvent(merchant, EventType.PAYMENT_CANCELED);
        try (KafkaConsumer<String, byte[]> dlq = dlqConsumer()) {
            publish(Topics.PAYMENT_EVENTS, first);

            await().atMost(WITHIN)
                    .until(() -> "disabled"
                            .equals(get("/internal/webhook-endpoints/" + endpoint.id(), merchant)
                                    .get("status")
                                    .asString()));
            JsonNode disabled = get("/internal/webhook-endpoints/" + endpoint.id(), merchant);
            assertThat(disabled.get("disabledReason").asString()).isEqualTo("gone");
            assertThat(count(
                            "SELECT count(*) FROM deliveries WHERE endpoint_id = ? AND status = 'failed' AND attempts = 1",
                            endpoint.id()))
                    .isOne();
            DeadLetter letter = awaitDeadLetter(dlq, endpoint.id());
            assertThat(letter.reason()).isEqualTo(DeadLetter.GONE);
            assertThat(letter.lastStatusCode()).isEqualTo(410);
        }
        // a disabled endpoint gets nothing: a later event (with a marker endpoint to know it was handled)
        createEndpoint(merchant, "/marker", List.of("*"));
        StateChange second = paymentEvent(merchant, EventType.PAYMENT_SUCCEEDED);
        publish(Topics.PAYMENT_EVENTS, second);
        await().atMost(WITHIN).until(() -> receiver.at("/marker").size() == 1);
        assertThat(count("SELECT count(*) FROM deliveries WHERE endpoint_id = ?", endpoint.id()))
                .isOne();
        assertThat(receiver.at("/gone")).hasSize(1);
        // retry and recover need it enabled first
        String deliveryId = get("/internal/webhook-endpoints/" + endpoint.id() + "/deliveries", merchant)
                .get("data")
                .get(0)
                .get("id")
                .asString();
        expectProblem(
                HttpMethod.POST,
                "/internal/webhook-deliveries/" + deliveryId + "/retry",
                merchant,
                null,
                409,
                "endpoint_disabled",
                null);
        expectProblem(
                HttpMethod.POST,
                "/internal/webhook-endpoints/" + endpoint.id() + "/recover",
                merchant,
                "{\"since\": \"" + before + "\"}",
                409,
                "endpoint_disabled",
                null);

        receiver.heal("/gone");
        JsonNode enabled = post("/internal/webhook-endpoints/" + endpoint.id(), merchant, "{\"disabled\": false}", 200);
        assertThat(enabled.get("status").asString()).isEqualTo("enabled");
        assertThat(enabled.has("disabledReason")).isFalse();
        JsonNode recovered = post(
                "/internal/webhook-endpoints/" + endpoint.id() + "/recover",
                merchant,
                "{\"since\": \"" + before + "\"}",
                200);
        assertThat(recovered.get("recovered").asLong()).isEqualTo(1);

        await().atMost(WITHIN).until(() -> receiver.at("/gone").size() == 2);
        assertThat(receiver.at("/gone").get(1).header("webhook-id")).isEqualTo(first.id());
        await().atMost(WITHIN)
                .until(() -> count("SELECT count(*) FROM deliveries WHERE id = ? AND status = 'succeeded'", deliveryId)
                        == 1);
        // recovering again finds nothing failed
        assertThat(post(
                                "/internal/webhook-endpoints/" + endpoint.id() + "/recover",
                                merchant,
                                "{\"since\": \"" + before + "\"}",
                                200)
                        .get("recovered")
                        .asLong())
                .isZero();
    }

    @Test
    void anEndpointFailingContinuouslyLongerThanTheSettingIsDisabled() throws Exception {
        String merchant = Ids.MERCHANT.next();
        receiver.always("/failing", 503);
        // attempts at about 0 s, 4 s and 8 s: the third comes after more than the 6 s the test allows
        receiver.retryAfter("/failing", "4");
        Endpoint endpoint = createEndpoint(merchant, "/failing", List.of("*"));

        publish(Topics.PAYMENT_EVENTS, paymentEvent(merchant, EventType.PAYMENT_CREATED));

        await().atMost(WITHIN)
                .until(() -> "disabled"
                        .equals(get("/internal/webhook-endpoints/" + endpoint.id(), merchant)
                                .get("status")
                                .asString()));
        assertThat(get("/internal/webhook-endpoints/" + endpoint.id(), merchant)
                        .get("disabledReason")
                        .asString())
                .isEqualTo("failing");
        assertThat(receiver.at("/failing")).hasSize(3);
    }

    @org.springframework.beans.factory.annotation.Autowired
    dev.paygate.webhook.endpoint.EndpointStore endpoints;

    @Test
    void theFailingStreakDisablesTheEndpointOnlyOnceItIsOlderThanTheSetting() throws Exception {
        String merchant = Ids.MERCHANT.next();
        Endpoint endpoint = createEndpoint(merchant, "/streak", List.of("*"));

        assertThat(endpoints.failed(endpoint.id(), Duration.ofDays(5)).block()).isFalse();
        assertThat(rows("SELECT failing_since IS NOT NULL, status FROM endpoints WHERE id = ?", endpoint.id()))
                .containsExactly(List.of(true, "enabled"));
        rows(
                "UPDATE endpoints SET failing_since = now() - interval '4 days 23 hours' WHERE id = ? RETURNING id",
                endpoint.id());
        assertThat(endpoints.failed(endpoint.id(), Duration.ofDays(5)).block()).isFalse();
        rows(
                "UPDATE endpoints SET failing_since = now() - interval '5 days 1 minute' WHERE id = ? RETURNING id",
                endpoint.id());
        assertThat(endpoints.failed(endpoint.id(), Duration.ofDays(5)).block()).isTrue();
        assertThat(rows("SELECT status, disabled_reason FROM endpoints WHERE id = ?", endpoint.id()))
                .containsExactly(List.of("disabled", "failing"));
    }

    @Test
    void aSuccessEndsTheFailingStreak() throws Exception {
        String merchant = Ids.MERCHANT.next();
        receiver.answer("/recovers", 500);
        Endpoint endpoint = createEndpoint(merchant, "/recovers", List.of("*"));

        publish(Topics.PAYMENT_EVENTS, paymentEvent(merchant, EventType.PAYMENT_CREATED));

        await().atMost(WITHIN)
                .until(() -> count(
                                "SELECT count(*) FROM deliveries WHERE endpoint_id = ? AND status = 'succeeded'",
                                endpoint.id())
                        == 1);
        assertThat(rows("SELECT failing_since FROM endpoints WHERE id = ?", endpoint.id()))
                .containsExactly(List.of("null"));
    }

    @Test
    void aMerchantCanDisableAndChangeAnEndpoint() throws Exception {
        String merchant = Ids.MERCHANT.next();
        Endpoint endpoint = createEndpoint(merchant, "/changing", List.of("payment.canceled"));

        JsonNode changed = post(
                "/internal/webhook-endpoints/" + endpoint.id(),
                merchant,
                "{\"url\": \"" + receiver.url("/changed") + "\", \"enabledEvents\": [\"payment.created\"],"
                        + " \"description\": \"new\", \"disabled\": true}",
                200);

        assertThat(changed.get("url").asString()).isEqualTo(receiver.url("/changed"));
        assertThat(changed.get("enabledEvents").get(0).asString()).isEqualTo("payment.created");
        assertThat(changed.get("description").asString()).isEqualTo("new");
        assertThat(changed.get("status").asString()).isEqualTo("disabled");
        assertThat(changed.get("disabledReason").asString()).isEqualTo("requested");
        assertThat(changed.has("secret")).isFalse();
        createEndpoint(merchant, "/changing-marker", List.of("*"));
        publish(Topics.PAYMENT_EVENTS, paymentEvent(merchant, EventType.PAYMENT_CREATED));
        await().atMost(WITHIN).until(() -> receiver.at("/changing-marker").size() == 1);
        assertThat(receiver.at("/changed")).isEmpty();

        post("/internal/webhook-endpoints/" + endpoint.id(), merchant, "{\"disabled\": false}", 200);
        StateChange created = paymentEvent(merchant, EventType.PAYMENT_CREATED);
        publish(Topics.PAYMENT_EVENTS, created);
        await().atMost(WITHIN).until(() -> receiver.at("/changed").size() == 1);
        assertVerifies(endpoint.secret(), receiver.at("/changed").get(0));

        String before = rows(
                        "SELECT url, enabled_events::text, description, status FROM endpoints WHERE id = ?",
                        endpoint.id())
                .toString();
        expectProblem(
                HttpMethod.POST,
                "/internal/webhook-endpoints/" + endpoint.id(),
                merchant,
                "{\"url\": \"ftp://example.com\"}",
                400,
                "url_invalid",
                "url");
        expectProblem(
                HttpMethod.POST,
                "/internal/webhook-endpoints/" + endpoint.id(),
                merchant,
                "{\"enabledEvents\": [\"payment.exploded\"]}",
                400,
                "parameter_invalid",
                "enabledEvents");
        expectProblem(
                HttpMethod.POST,
                "/internal/webhook-endpoints/" + endpoint.id(),
                merchant,
                "{\"disabled\": \"yes\"}",
                400,
                "parameter_invalid",
                "disabled");
        expectProblem(
                HttpMethod.POST,
                "/internal/webhook-endpoints/" + endpoint.id(),
                merchant,
                "{\"secret\": \"whsec_mine\"}",
                400,
                "parameter_unknown",
                "secret");
        expectProblem(
                HttpMethod.POST,
                "/internal/webhook-endpoints/" + endpoint.id(),
                Ids.MERCHANT.next(),
                "{\"disabled\": true}",
                404,
                "resource_missing",
                "id");
        assertThat(rows(
                                "SELECT url, enabled_events::text, description, status FROM endpoints WHERE id = ?",
                                endpoint.id())
                        .toString())
                .isEqualTo(before);
    }

    @Test
    void recoverNeedsAValidSince() {
        String merchant = Ids.MERCHANT.next();
        Endpoint endpoint = createEndpoint(merchant, "/recover-input", List.of("*"));
        String path = "/internal/webhook-endpoints/" + endpoint.id() + "/recover";

        expectProblem(HttpMethod.POST, path, merchant, null, 400, "parameter_missing", "since");
        expectProblem(HttpMethod.POST, path, merchant, "{\"since\": \"yesterday\"}", 400, "parameter_invalid", "since");
        // a number is no time here, not even as epoch seconds
        expectProblem(HttpMethod.POST, path, merchant, "{\"since\": 9.5}", 400, "parameter_invalid", "since");
        expectProblem(HttpMethod.POST, path, merchant, "{\"since\": 1700000000}", 400, "parameter_invalid", "since");
        expectProblem(
                HttpMethod.POST,
                path,
                merchant,
                "{\"x\": 1, \"since\": \"2026-01-01T00:00:00Z\"}",
                400,
                "parameter_unknown",
                "x");
        expectProblem(
                HttpMethod.POST,
                path,
                Ids.MERCHANT.next(),
                "{\"since\": \"2026-01-01T00:00:00Z\"}",
                404,
                "resource_missing",
                "id");
    }

    // ---- events API ----

    @Test
    void theEventsApiListsTheMerchantsEventsNewestFirstByTypeAndPage() throws Exception {
        String merchant = Ids.MERCHANT.next();
        // one payment's events: one key, one partition, so they arrive in the order sent (events of different
        // payments are consumed from different partitions in parallel, and "newest first" is arrival order)
        String paymentId = Ids.PAYMENT.next();
        List<StateChange> sent = List.of(
                paymentEvent(merchant, EventType.PAYMENT_CREATED, paymentId, 1),
                paymentEvent(merchant, EventType.PAYMENT_SUCCEEDED, paymentId, 2),
                paymentEvent(merchant, EventType.PAYMENT_CREATED, paymentId, 3));
        for (StateChange event : sent) {
            publish(Topics.PAYMENT_EVENTS, event);
        }
        publish(Topics.PAYMENT_EVENTS, paymentEvent(Ids.MERCHANT.next(), EventType.PAYMENT_CREATED));

        await().atMost(WITHIN).until(() -> count("SELECT count(*) FROM events WHERE merchant_id = ?", merchant) == 3);
        JsonNode all = get("/internal/events", merchant);
        assertThat(all.get("data")
                        .valueStream()
                        .map(e -> e.get("id").asString())
                        .toList())
                .containsExactly(sent.get(2).id(), sent.get(1).id(), sent.get(0).id());
        assertThat(all.get("hasMore").asBoolean()).isFalse();
        JsonNode one = all.get("data").get(0);
        assertThat(List.copyOf(one.propertyNames())).containsExactly("id", "type", "created", "apiVersion", "data");

        JsonNode created = get("/internal/events?type=payment.created", merchant);
        assertThat(created.get("data")
                        .valueStream()
                        .map(e -> e.get("id").asString())
                        .toList())
                .containsExactly(sent.get(2).id(), sent.get(0).id());
        JsonNode page = get("/internal/events?limit=2", merchant);
        assertThat(page.get("hasMore").asBoolean()).isTrue();
        JsonNode next = get(
                "/internal/events?limit=2&startingAfter="
                        + page.get("data").get(1).get("id").asString(),
                merchant);
        assertThat(next.get("data")
                        .valueStream()
                        .map(e -> e.get("id").asString())
                        .toList())
                .containsExactly(sent.get(0).id());
        assertThat(get("/internal/events/" + sent.get(1).id(), merchant))
                .isEqualTo(all.get("data").get(1));

        expectProblem(
                HttpMethod.GET,
                "/internal/events/" + sent.get(1).id(),
                Ids.MERCHANT.next(),
                null,
                404,
                "resource_missing",
                "id");
        expectProblem(
                HttpMethod.GET,
                "/internal/events?type=payment.exploded",
                merchant,
                null,
                400,
                "parameter_invalid",
                "type");
        expectProblem(HttpMethod.GET, "/internal/events?limit=101", merchant, null, 400, "parameter_invalid", "limit");
        expectProblem(
                HttpMethod.GET,
                "/internal/events?startingAfter=p_1",
                merchant,
                null,
                400,
                "parameter_invalid",
                "startingAfter");
    }

    // ---- helpers ----

    static StateChange paymentEvent(String merchant, EventType type) {
        return paymentEvent(merchant, type, Ids.PAYMENT.next(), 1);
    }

    static StateChange paymentEvent(String merchant, EventType type, String paymentId, int version) {
        return change(
                type, merchant, paymentId, paymentId, "{\"id\":\"" + paymentId + "\",\"version\":" + version + "}");
    }

    long distinctIds(String path, String merchant) {
        return receiver.at(path).stream()
                .map(r -> r.header("webhook-id"))
                .collect(Collectors.toSet())
                .size();
    }

    JsonNode get(String path, String merchant) {
        return json(api.get()
                .uri(path)
                .header(MERCHANT, merchant)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody());
    }

    JsonNode post(String path, String merchant, String body, int status) {
        var spec = api.post().uri(path).header(MERCHANT, merchant);
        var sent = body == null
                ? spec
                : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
        return json(sent.exchange()
                .expectStatus()
                .isEqualTo(status)
                .expectBody(String.class)
                .returnResult()
                .getResponseBody());
    }

    void expectProblem(
            HttpMethod method, String path, String merchant, String body, int status, String code, String param) {
        var spec = api.method(method).uri(path).header(MERCHANT, merchant);
        var sent = body == null
                ? spec
                : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
        var answer = sent.exchange()
                .expectStatus()
                .isEqualTo(status)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo(code);
        if (param != null) {
            answer.jsonPath("$.param").isEqualTo(param);
        }
    }

    static KafkaConsumer<String, byte[]> dlqConsumer() {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        INFRA.kafkaBootstrap(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "dlq-it-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.WEBHOOK_DLQ));
        return consumer;
    }

    static DeadLetter awaitDeadLetter(KafkaConsumer<String, byte[]> dlq, String endpointId) {
        List<DeadLetter> found = new ArrayList<>();
        await().atMost(WITHIN).until(() -> {
            dlq.poll(Duration.ofMillis(200)).forEach(r -> {
                if (endpointId.equals(r.key())) {
                    String text = new String(r.value(), java.nio.charset.StandardCharsets.UTF_8);
                    // names the delivery, never the body, the URL or a secret
                    assertThat(text)
                            .doesNotContain("whsec_")
                            .doesNotContain("http://")
                            .doesNotContain("\"data\"");
                    found.add(PaygateJson.wire().readValue(text, DeadLetter.class));
                }
            });
            return !found.isEmpty();
        });
        assertThat(found).hasSize(1);
        return found.get(0);
    }
}
