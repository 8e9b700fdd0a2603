package dev.paygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.contracts.json.PaygateJson;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;

/**
 * The ops console over plain HTTP on the whole stack: who gets in (the operator token, or the session cookie a login
 * sets), what a browser is protected by, and the live stream — a refund's state change arriving as a server-sent event
 * with no customer or card data.
 */
class ConsoleIT {

    static Http api;
    static WebTestClient http;

    @BeforeAll
    static void start() {
        api = new Http(TestStack.newMerchantKey("Console shop"));
        http = WebTestClient.bindToServer()
                .baseUrl(TestStack.gatewayUrl())
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    @Test
    void withoutTheTokenOrWithAWrongOneEverythingIsUnauthorizedAndSaysNothing() {
        for (String path : List.of(
                "/console/api/status",
                "/console/api/counts",
                "/console/api/dead-letters",
                "/console/api/failing-endpoints",
                "/console/api/pending-refunds",
                "/console/events")) {
            http.get()
                    .uri(path)
                    .exchange()
                    .expectStatus()
                    .isUnauthorized()
                    .expectHeader()
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.code")
                    .isEqualTo("admin_token_invalid");
            http.get()
                    .uri(path)
                    .header("X-Admin-Token", TestStack.ADMIN_TOKEN + "x")
                    .exchange()
                    .expectStatus()
                    .isUnauthorized();
            http.get()
                    .uri(path)
                    .cookie("paygate_console", "4102444800.forged")
                    .exchange()
                    .expectStatus()
                    .isUnauthorized();
        }
        var refused = http.post()
                .uri("/console/login")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"token\": \"" + TestStack.ADMIN_TOKEN.substring(1) + "\"}")
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .doesNotExist("Set-Cookie")
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(refused).doesNotContain(TestStack.ADMIN_TOKEN.substring(1));
        http.post()
                .uri("/console/login")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{}")
                .exchange()
                .expectStatus()
                .isUnauthorized();
        // the page itself holds nothing secret, and forbids inline script and framing
        http.get()
                .uri("/console")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectHeader()
                .valueMatches("Content-Security-Policy", ".*script-src 'self';.*frame-ancestors 'none'.*")
                .expectHeader()
                .valueEquals("X-Content-Type-Options", "nosniff");
    }

    @Test
    void aLoginSetsAStrictHttpOnlyCookieThatIsNotTheTokenAndChangesNeedTheConsoleHeader() {
        ResponseCookie cookie = http.post()
                .uri("/console/login")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"token\": \"" + TestStack.ADMIN_TOKEN + "\"}")
                .exchange()
                .expectStatus()
                .isNoContent()
                .returnResult(Void.class)
                .getResponseCookies()
                .getFirst("paygate_console");

        assertThat(cookie).isNotNull();
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        assertThat(cookie.getPath()).isEqualTo("/console");
        assertThat(cookie.getValue()).doesNotContain(TestStack.ADMIN_TOKEN);
        http.get()
                .uri("/console/api/status")
                .cookie(cookie.getName(), cookie.getValue())
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.pendingRefundAgeSeconds")
                .isNumber();
        // a change made with the cookie alone (a forged cross-site form) is refused; the console's header lets it by
        String body = "{\"merchantId\": \"mer_" + "1".repeat(40) + "\"}";
        http.post()
                .uri("/console/api/dead-letters/whd_nothing/retry")
                .cookie(cookie.getName(), cookie.getValue())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isForbidden();
        http.post()
                .uri("/console/api/dead-letters/whd_nothing/retry")
                .cookie(cookie.getName(), cookie.getValue())
                .header("X-Console-Request", "1")
                .header("Origin", "https://evil.example")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isForbidden();
        http.post()
                .uri("/console/api/dead-letters/whd_nothing/retry")
                .cookie(cookie.getName(), cookie.getValue())
                .header("X-Console-Request", "1")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isNotFound();
        // tools use the header instead
        http.get()
                .uri("/console/api/dead-letters")
                .header("X-Admin-Token", TestStack.ADMIN_TOKEN)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.data")
                .isArray();
        // neither the token nor the session is ever logged
        assertThat(TestStack.LOG_LINES)
                .isNotEmpty()
                .noneMatch(line -> line.contains(TestStack.ADMIN_TOKEN) || line.contains(cookie.getValue()));
    }

    @Test
    void aRefundsStateChangeArrivesOnTheEventStream() {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> PaygateJson.wire()
                        .readTree(http.get()
                                .uri("/console/api/status")
                                .header("X-Admin-Token", TestStack.ADMIN_TOKEN)
                                .exchange()
                                .expectStatus()
                                .isOk()
                                .expectBody(String.class)
                                .returnResult()
                                .getResponseBody())
                        .get("streaming")
                        .asBoolean());
        WebClient client = WebClient.builder().baseUrl(TestStack.gatewayUrl()).build();
        List<ServerSentEvent<String>> received = new CopyOnWriteArrayList<>();
        List<String> contentTypes = new CopyOnWriteArrayList<>();
        Disposable stream = client.get()
                .uri("/console/events")
                .header("X-Admin-Token", TestStack.ADMIN_TOKEN)
                .accept(MediaType.TEXT_EVENT_STREAM)
                .exchangeToFlux(response -> {
                    contentTypes.add(
                            String.valueOf(response.headers().contentType().orElse(null)));
                    return response.bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() {});
                })
                .subscribe(received::add);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> !received.isEmpty());
            assertThat(MediaType.parseMediaType(contentTypes.get(0)).isCompatibleWith(MediaType.TEXT_EVENT_STREAM))
                    .isTrue();
            String payment = api.ok(
                            "/api2/payments",
                            "{\"amount\": 2500, \"currency\": \"EUR\", \"captureMethod\": "
                                    + "\"automatic\", \"confirm\": true, \"customerDetails\": {\"email\": \"jane@example.com\"}, "
                                    + "\"paymentMethod\": {\"type\": \"card\", \"card\": {\"number\": \"4111111111111111\", \"cvc\": "
                                    + "\"123\", \"expiryMonth\": 12, \"expiryYear\": 2030, \"holderName\": \"Jane Roe\"}}}")
                    .get("id")
                    .asString();
            JsonNode refund = api.ok("/api2/refunds", "{\"paymentId\": \"" + payment + "\", \"amount\": 700}");
            String refundId = refund.get("id").asString();

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> received.stream()
                            .anyMatch(e -> "state-change".equals(e.event())
                                    && e.data() != null
                                    && e.data().contains(refundId)));
            ServerSentEvent<String> event = received.stream()
                    .filter(e -> e.data() != null && e.data().contains(refundId))
                    .findFirst()
                    .orElseThrow();
            JsonNode data = PaygateJson.wire().readTree(event.data());
            assertThat(data.get("type").asString()).isEqualTo("refund.updated");
            assertThat(event.id()).isEqualTo(data.get("id").asString()).startsWith("evt_");
            assertThat(data.get("resourceId").asString()).isEqualTo(refundId);
            assertThat(data.get("amount").asLong()).isEqualTo(700);
            assertThat(data.get("currency").asString()).isEqualTo("EUR");
            assertThat(data.get("status").asString()).isIn("pending", "succeeded");
            assertThat(data.get("merchantId").asString()).startsWith("mer_");
            assertThat(data.get("time").asString()).isNotBlank();
            // the payment's own events came too, without customer or card data
            assertThat(received.stream()
                            .filter(e -> e.data() != null && e.data().contains(payment)))
                    .isNotEmpty();
            String all = received.stream().map(e -> String.valueOf(e.data())).reduce("", String::concat);
            assertThat(all).doesNotContain("jane@example.com", "Jane Roe", "4111111111111111", "411111**1111");
        } finally {
            stream.dispose();
        }
    }
}
