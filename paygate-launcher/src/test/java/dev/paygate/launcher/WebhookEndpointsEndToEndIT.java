package dev.paygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Listing, reading and deleting webhook endpoints through the public API; a deleted endpoint gets nothing more. */
class WebhookEndpointsEndToEndIT {

    @Test
    void afterARotationBothSecretsSignForAWhile() throws Exception {
        Http api = new Http(TestStack.newMerchantKey("Rotating shop"));
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            JsonNode created = api.ok("/api2/webhook-endpoints", "{\"url\": \"" + receiver.url()
                    + "\", \"enabledEvents\": [\"session.expired\"]}");
            String id = created.get("id").asString();
            String oldSecret = created.get("secret").asString();

            JsonNode rotated = api.ok("/api2/webhook-endpoints/" + id + "/rotate-secret", null);

            String newSecret = rotated.get("secret").asString();
            assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
            assertThat(api.get("/api2/webhook-endpoints/" + id).body().has("secret")).isFalse();
            String session = api.ok("/api2/sessions", "{\"amount\": 100, \"currency\": \"EUR\"}").get("id").asString();
            api.ok("/api2/sessions/" + session + "/expire", null);
            await().atMost(Duration.ofSeconds(20)).until(() -> !receiver.received.isEmpty());
            WebhookReceiver.Received hook = receiver.received.peek();
            assertThat(hook.header("webhook-signature").split(" ")).hasSize(2);
            new com.standardwebhooks.Webhook(newSecret).verify(hook.body(), hook.headers());
            new com.standardwebhooks.Webhook(oldSecret).verify(hook.body(), hook.headers());
            assertThat(api.post("/api2/webhook-endpoints/" + dev.paygate.contracts.Ids.WEBHOOK_ENDPOINT.next()
                    + "/rotate-secret", null).status()).isEqualTo(404);
        }
    }

    @Test
    void listReadAndDelete() throws Exception {
        Http api = new Http(TestStack.newMerchantKey("Endpoints shop"));
        Http other = new Http(TestStack.newMerchantKey("Endpoints neighbour"));
        try (WebhookReceiver first = new WebhookReceiver(); WebhookReceiver second = new WebhookReceiver()) {
            String a = api.ok("/api2/webhook-endpoints", "{\"url\": \"" + first.url() + "\", \"enabledEvents\": [\"*\"]}")
                    .get("id").asString();
            String b = api.ok("/api2/webhook-endpoints", "{\"url\": \"" + second.url() + "\", \"enabledEvents\": [\"*\"],"
                    + " \"description\": \"second\"}").get("id").asString();

            JsonNode all = api.get("/api2/webhook-endpoints").body();
            assertThat(all.get("data")).extracting(n -> n.get("id").asString()).containsExactly(b, a);
            assertThat(all.get("hasMore").asBoolean()).isFalse();
            assertThat(all.get("data")).allSatisfy(n -> assertThat(n.has("secret")).isFalse());
            JsonNode page = api.get("/api2/webhook-endpoints?limit=1").body();
            assertThat(page.get("data")).extracting(n -> n.get("id").asString()).containsExactly(b);
            assertThat(page.get("hasMore").asBoolean()).isTrue();
            assertThat(api.get("/api2/webhook-endpoints?limit=1&startingAfter=" + b).body().get("data"))
                    .extracting(n -> n.get("id").asString()).containsExactly(a);
            Http.Answer badLimit = api.get("/api2/webhook-endpoints?limit=101");
            assertThat(badLimit.status()).isEqualTo(400);
            assertThat(badLimit.body().get("param").asString()).isEqualTo("limit");

            JsonNode one = api.get("/api2/webhook-endpoints/" + a).body();
            assertThat(one.get("status").asString()).isEqualTo("enabled");
            assertThat(one.has("secret")).isFalse();
            assertThat(other.get("/api2/webhook-endpoints/" + a).status()).isEqualTo(404);
            assertThat(other.client.delete().uri("/api2/webhook-endpoints/" + a).exchange()
                    .expectBody(String.class).returnResult().getStatus().value()).isEqualTo(404);

            JsonNode deleted = tools.jackson.databind.json.JsonMapper.builder().build().readTree(api.client.delete()
                    .uri("/api2/webhook-endpoints/" + a).exchange().expectStatus().isOk()
                    .expectBody(String.class).returnResult().getResponseBody());
            assertThat(deleted.get("id").asString()).isEqualTo(a);
            assertThat(deleted.get("deleted").asBoolean()).isTrue();
            Http.Answer gone = api.get("/api2/webhook-endpoints/" + a);
            assertThat(gone.status()).isEqualTo(404);
            assertThat(gone.body().get("code").asString()).isEqualTo("resource_missing");
            assertThat(api.get("/api2/webhook-endpoints").body().get("data"))
                    .extracting(n -> n.get("id").asString()).containsExactly(b);

            String session = api.ok("/api2/sessions", "{\"amount\": 100, \"currency\": \"EUR\"}").get("id").asString();
            api.ok("/api2/sessions/" + session + "/expire", null);
            await().atMost(Duration.ofSeconds(20)).until(() -> second.received.stream()
                    .anyMatch(r -> r.body().contains("session.expired") && r.body().contains(session)));
            assertThat(first.received).isEmpty();
        }
    }
}
