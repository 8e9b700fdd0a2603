package dev.paygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.devinfra.WebhookReceiver;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Webhook management through the public API: endpoints listed, read, changed, disabled and deleted; secrets rotated;
 * deliveries and their attempt logs, replay and recovery; the events API. A deleted or disabled endpoint gets nothing.
 */
class WebhookEndpointsEndToEndIT {

    @Test
    void afterARotationBothSecretsSignForAWhile() throws Exception {
        Http api = new Http(TestStack.newMerchantKey("Rotating shop"));
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            JsonNode created = api.ok(
                    "/api2/webhook-endpoints",
                    "{\"url\": \"" + receiver.url() + "\", \"enabledEvents\": [\"session.expired\"]}");
            String id = created.get("id").asString();
            String oldSecret = created.get("secret").asString();

            JsonNode rotated = api.ok("/api2/webhook-endpoints/" + id + "/rotate-secret", null);

            String newSecret = rotated.get("secret").asString();
            assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
            assertThat(api.get("/api2/webhook-endpoints/" + id).body().has("secret"))
                    .isFalse();
            String session = api.ok("/api2/sessions", "{\"amount\": 100, \"currency\": \"EUR\"}")
                    .get("id")
                    .asString();
            api.ok("/api2/sessions/" + session + "/expire", null);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> !receiver.received().isEmpty());
            WebhookReceiver.Received hook = receiver.received().get(0);
            assertThat(hook.header("webhook-signature").split(" ")).hasSize(2);
            new com.standardwebhooks.Webhook(newSecret).verify(hook.body(), hook.headers());
            new com.standardwebhooks.Webhook(oldSecret).verify(hook.body(), hook.headers());
            assertThat(api.post(
                                    "/api2/webhook-endpoints/" + dev.paygate.contracts.Ids.WEBHOOK_ENDPOINT.next()
                                            + "/rotate-secret",
                                    null)
                            .status())
                    .isEqualTo(404);
        }
    }

    @Test
    void listReadAndDelete() throws Exception {
        Http api = new Http(TestStack.newMerchantKey("Endpoints shop"));
        Http other = new Http(TestStack.newMerchantKey("Endpoints neighbour"));
        try (WebhookReceiver first = WebhookReceiver.start();
                WebhookReceiver second = WebhookReceiver.start()) {
            String a = api.ok(
                            "/api2/webhook-endpoints", "{\"url\": \"" + first.url() + "\", \"enabledEvents\": [\"*\"]}")
                    .get("id")
                    .asString();
            String b = api.ok(
                            "/api2/webhook-endpoints",
                            "{\"url\": \"" + second.url() + "\", \"enabledEvents\": [\"*\"],"
                                    + " \"description\": \"second\"}")
                    .get("id")
                    .asString();

            JsonNode all = api.get("/api2/webhook-endpoints").body();
            assertThat(all.get("data")).extracting(n -> n.get("id").asString()).containsExactly(b, a);
            assertThat(all.get("hasMore").asBoolean()).isFalse();
            assertThat(all.get("data"))
                    .allSatisfy(n -> assertThat(n.has("secret")).isFalse());
            JsonNode page = api.get("/api2/webhook-endpoints?limit=1").body();
            assertThat(page.get("data")).extracting(n -> n.get("id").asString()).containsExactly(b);
            assertThat(page.get("hasMore").asBoolean()).isTrue();
            assertThat(api.get("/api2/webhook-endpoints?limit=1&startingAfter=" + b)
                            .body()
                            .get("data"))
                    .extracting(n -> n.get("id").asString())
                    .containsExactly(a);
            Http.Answer badLimit = api.get("/api2/webhook-endpoints?limit=101");
            assertThat(badLimit.status()).isEqualTo(400);
            assertThat(badLimit.body().get("param").asString()).isEqualTo("limit");

            JsonNode one = api.get("/api2/webhook-endpoints/" + a).body();
            assertThat(one.get("status").asString()).isEqualTo("enabled");
            assertThat(one.has("secret")).isFalse();
            assertThat(other.get("/api2/webhook-endpoints/" + a).status()).isEqualTo(404);
            assertThat(other.client
                            .delete()
                            .uri("/api2/webhook-endpoints/" + a)
                            .exchange()
                            .expectBody(String.class)
                            .returnResult()
                            .getStatus()
                            .value())
                    .isEqualTo(404);

            JsonNode deleted = tools.jackson.databind.json.JsonMapper.builder()
                    .build()
                    .readTree(api.client
                            .delete()
                            .uri("/api2/webhook-endpoints/" + a)
                            .exchange()
                            .expectStatus()
                            .isOk()
                            .expectBody(String.class)
                            .returnResult()
                            .getResponseBody());
            assertThat(deleted.get("id").asString()).isEqualTo(a);
            assertThat(deleted.get("deleted").asBoolean()).isTrue();
            Http.Answer gone = api.get("/api2/webhook-endpoints/" + a);
            assertThat(gone.status()).isEqualTo(404);
            assertThat(gone.body().get("code").asString()).isEqualTo("resource_missing");
            assertThat(api.get("/api2/webhook-endpoints").body().get("data"))
                    .extracting(n -> n.get("id").asString())
                    .containsExactly(b);

            String session = api.ok("/api2/sessions", "{\"amount\": 100, \"currency\": \"EUR\"}")
                    .get("id")
                    .asString();
            api.ok("/api2/sessions/" + session + "/expire", null);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> second.received().stream()
                            .anyMatch(r -> r.body().contains("session.expired")
                                    && r.body().contains(session)));
            assertThat(first.received()).isEmpty();
        }
    }

    @Test
    void deliveriesEventsRetryDisableAndRecoverThroughThePublicApi() throws Exception {
        Http api = new Http(TestStack.newMerchantKey("Replaying shop"));
        Http other = new Http(TestStack.newMerchantKey("Replaying neighbour"));
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.answerAll(500);
            String endpoint = api.ok(
                            "/api2/webhook-endpoints",
                            "{\"url\": \"" + receiver.url() + "\", \"enabledEvents\": [\"session.expired\"]}")
                    .get("id")
                    .asString();
            java.time.Instant since = java.time.Instant.now().minusSeconds(5);
            String session = api.ok("/api2/sessions", "{\"amount\": 100, \"currency\": \"EUR\"}")
                    .get("id")
                    .asString();
            api.ok("/api2/sessions/" + session + "/expire", null);

            // the stack's compressed schedule: 3 attempts, then failed
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "failed"
                            .equals(api.get("/api2/webhook-endpoints/" + endpoint + "/deliveries")
                                    .body()
                                    .get("data")
                                    .get(0)
                                    .get("status")
                                    .asString()));
            JsonNode delivery = api.get("/api2/webhook-endpoints/" + endpoint + "/deliveries?status=failed")
                    .body()
                    .get("data")
                    .get(0);
            assertThat(delivery.get("eventType").asString()).isEqualTo("session.expired");
            assertThat(delivery.get("attempts"))
                    .hasSize(3)
                    .allSatisfy(a -> assertThat(a.get("statusCode").asInt()).isEqualTo(500));
            String deliveryId = delivery.get("id").asString();
            assertThat(api.get("/api2/webhook-deliveries/" + deliveryId).body()).isEqualTo(delivery);

            // the event, as the events API shows it, is the webhook's body
            JsonNode events =
                    api.get("/api2/events?type=session.expired").body().get("data");
            assertThat(events).hasSize(1);
            String eventId = events.get(0).get("id").asString();
            assertThat(eventId).isEqualTo(delivery.get("eventId").asString());
            assertThat(events.get(0).get("data").get("object").get("id").asString())
                    .isEqualTo(session);
            assertThat(api.get("/api2/events/" + eventId).body()).isEqualTo(events.get(0));
            assertThat(dev.paygate.contracts.json.PaygateJson.wire()
                            .readTree(receiver.received().get(0).body()))
                    .isEqualTo(events.get(0));
            assertThat(api.get("/api2/events").body().get("data"))
                    .extracting(e -> e.get("type").asString())
                    .contains("session.created", "session.expired");

            // a dead letter replayed once the receiver is fixed
            receiver.answerAll(200);
            assertThat(api.ok("/api2/webhook-deliveries/" + deliveryId + "/retry", null)
                            .get("status")
                            .asString())
                    .isEqualTo("pending");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> "succeeded"
                            .equals(api.get("/api2/webhook-deliveries/" + deliveryId)
                                    .body()
                                    .get("status")
                                    .asString()));
            assertThat(receiver.received())
                    .hasSize(4)
                    .extracting(r -> r.header("webhook-id"))
                    .containsOnly(eventId);

            // disabled, it gets nothing; enabled again, recover finds nothing failed
            JsonNode disabled = api.ok("/api2/webhook-endpoints/" + endpoint, "{\"disabled\": true}");
            assertThat(disabled.get("status").asString()).isEqualTo("disabled");
            assertThat(disabled.get("disabledReason").asString()).isEqualTo("requested");
            String later = api.ok("/api2/sessions", "{\"amount\": 100, \"currency\": \"EUR\"}")
                    .get("id")
                    .asString();
            api.ok("/api2/sessions/" + later + "/expire", null);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> api.get("/api2/events?type=session.expired")
                                    .body()
                                    .get("data")
                                    .size()
                            == 2);
            assertThat(api.get("/api2/webhook-endpoints/" + endpoint + "/deliveries")
                            .body()
                            .get("data"))
                    .hasSize(1);
            Http.Answer refused =
                    api.post("/api2/webhook-endpoints/" + endpoint + "/recover", "{\"since\": \"" + since + "\"}");
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.body().get("code").asString()).isEqualTo("endpoint_disabled");
            assertThat(refused.body().get("instance").asString())
                    .isEqualTo("/api2/webhook-endpoints/" + endpoint + "/recover");
            api.ok("/api2/webhook-endpoints/" + endpoint, "{\"disabled\": false}");
            assertThat(api.ok("/api2/webhook-endpoints/" + endpoint + "/recover", "{\"since\": \"" + since + "\"}")
                            .get("recovered")
                            .asLong())
                    .isZero();

            // nobody else's, and nothing that isn't an id of its kind
            assertThat(other.get("/api2/webhook-deliveries/" + deliveryId).status())
                    .isEqualTo(404);
            assertThat(other.get("/api2/events/" + eventId).status()).isEqualTo(404);
            assertThat(other.post("/api2/webhook-deliveries/" + deliveryId + "/retry", null)
                            .status())
                    .isEqualTo(404);
            assertThat(other.get("/api2/webhook-endpoints/" + endpoint + "/deliveries")
                            .status())
                    .isEqualTo(404);
            assertThat(other.get("/api2/events").body().get("data")).isEmpty();
            assertThat(api.get("/api2/webhook-deliveries/" + eventId).status()).isEqualTo(404);
            assertThat(api.get("/api2/events/" + deliveryId).status()).isEqualTo(404);
            Http.Answer badType = api.get("/api2/events?type=nonsense");
            assertThat(badType.status()).isEqualTo(400);
            assertThat(badType.body().get("param").asString()).isEqualTo("type");
        }
    }
}
