package dev.paygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.json.PaygateJson;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Every refusal of the foundation's API (issue point 6): the status, the problem's {@code code} and
 * {@code param}, and that nothing changed — sessions, their versions, events and endpoints are the same
 * before and after.
 */
class ApiErrorsIT {

    static WebTestClient api;
    static String openSessionId;

    @BeforeAll
    static void start() {
        api = WebTestClient.bindToServer()
                .baseUrl(TestStack.gatewayUrl())
                .responseTimeout(Duration.ofSeconds(20))
                .build();
        openSessionId = PaygateJson.wire()
                .readTree(asDemo(api.post().uri("/api2/sessions"))
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"amount\": 1000, \"currency\": \"EUR\"}")
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(String.class)
                        .returnResult()
                        .getResponseBody())
                .get("id")
                .asString();
        authorizedPaymentId = PaygateJson.wire()
                .readTree(asDemo(api.post().uri("/api2/payments"))
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(
                                "{\"amount\": 5000, \"currency\": \"EUR\", \"captureMethod\": \"manual\", \"confirm\": true, "
                                        + "\"paymentMethod\": " + CARD + "}")
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(String.class)
                        .returnResult()
                        .getResponseBody())
                .get("id")
                .asString();
    }

    static WebTestClient.RequestBodySpec asDemo(WebTestClient.RequestBodySpec spec) {
        return spec.header("X-Api-Key", TestStack.DEMO_KEY).header("X-Version", "2023-10-31");
    }

    static WebTestClient.RequestHeadersSpec<?> asDemo(WebTestClient.RequestHeadersSpec<?> spec) {
        return spec.header("X-Api-Key", TestStack.DEMO_KEY).header("X-Version", "2023-10-31");
    }

    static WebTestClient.RequestHeadersSpec<?> createSession(String body) {
        return asDemo(api.post().uri("/api2/sessions"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body);
    }

    static final String CARD = "{\"type\": \"card\", \"card\": {\"number\": \"4111111111111111\", \"cvc\": \"123\", "
            + "\"expiryMonth\": 12, \"expiryYear\": 2030, \"holderName\": \"X\"}}";
    static String authorizedPaymentId;

    static WebTestClient.RequestHeadersSpec<?> payments(String path, String body) {
        WebTestClient.RequestBodySpec spec = asDemo(api.post().uri(path)).contentType(MediaType.APPLICATION_JSON);
        return body == null ? spec : spec.bodyValue(body);
    }

    static Stream<Arguments> refusals() {
        String missingSession = Ids.SESSION.next();
        String missingPayment = Ids.PAYMENT.next();
        return Stream.of(
                Arguments.of(
                        "card number fails Luhn",
                        (Request) () -> payments(
                                "/api2/payments",
                                "{\"amount\": 100, \"currency\": \"EUR\", \"confirm\": true, \"paymentMethod\": "
                                        + CARD.replace("4111111111111111", "4111111111111112") + "}"),
                        400,
                        "card_invalid",
                        "paymentMethod.card.number"),
                Arguments.of(
                        "card expired",
                        (Request) () -> payments(
                                "/api2/payments",
                                "{\"amount\": 100, \"currency\": \"EUR\", \"confirm\": true, \"paymentMethod\": "
                                        + CARD.replace("2030", "2020") + "}"),
                        400,
                        "card_invalid",
                        "paymentMethod.card.expiryYear"),
                Arguments.of(
                        "card field unknown",
                        (Request) () -> payments(
                                "/api2/payments",
                                "{\"amount\": 100, \"currency\": \"EUR\", \"paymentMethod\": "
                                        + CARD.replace("\"cvc\"", "\"pin\": \"1\", \"cvc\"") + "}"),
                        400,
                        "parameter_unknown",
                        "paymentMethod.card.pin"),
                Arguments.of(
                        "payment amount as float",
                        (Request) () -> payments("/api2/payments", "{\"amount\": 1.5, \"currency\": \"EUR\"}"),
                        400,
                        "amount_invalid",
                        "amount"),
                Arguments.of(
                        "confirm without a card",
                        (Request) () -> payments(
                                "/api2/payments", "{\"amount\": 100, \"currency\": \"EUR\", \"confirm\": true}"),
                        400,
                        "parameter_missing",
                        "paymentMethod"),
                Arguments.of(
                        "unknown capture method",
                        (Request) () -> payments(
                                "/api2/payments",
                                "{\"amount\": 100, \"currency\": \"EUR\", \"captureMethod\": \"later\"}"),
                        400,
                        "parameter_invalid",
                        "captureMethod"),
                Arguments.of(
                        "capture more than authorized",
                        (Request) () -> payments(
                                "/api2/payments/" + authorizedPaymentId + "/capture", "{\"amountToCapture\": 999999}"),
                        400,
                        "amount_invalid",
                        "amountToCapture"),
                Arguments.of(
                        "capture zero",
                        (Request) () -> payments(
                                "/api2/payments/" + authorizedPaymentId + "/capture", "{\"amountToCapture\": 0}"),
                        400,
                        "amount_invalid",
                        "amountToCapture"),
                Arguments.of(
                        "unknown cancellation reason",
                        (Request) () -> payments(
                                "/api2/payments/" + authorizedPaymentId + "/cancel",
                                "{\"cancellationReason\": \"bored\"}"),
                        400,
                        "parameter_invalid",
                        "cancellationReason"),
                Arguments.of(
                        "3-D Secure result unknown",
                        (Request) () -> payments(
                                "/api2/payments/" + authorizedPaymentId + "/test-3ds", "{\"result\": \"maybe\"}"),
                        400,
                        "parameter_invalid",
                        "result"),
                Arguments.of(
                        "3-D Secure on an authorized payment",
                        (Request) () -> payments(
                                "/api2/payments/" + authorizedPaymentId + "/test-3ds", "{\"result\": \"success\"}"),
                        409,
                        "payment_invalid_status",
                        null),
                Arguments.of(
                        "capture an unknown payment",
                        (Request) () -> payments("/api2/payments/" + missingPayment + "/capture", null),
                        404,
                        "resource_missing",
                        "id"),
                Arguments.of(
                        "read a malformed payment id",
                        (Request) () -> asDemo(api.get().uri("/api2/payments/ps_1")),
                        404,
                        "resource_missing",
                        "id"),
                Arguments.of(
                        "pay an unknown session",
                        (Request) () -> payments(
                                "/api2/sessions/" + missingSession + "/pay", "{\"paymentMethod\": " + CARD + "}"),
                        404,
                        "resource_missing",
                        "id"),
                Arguments.of(
                        "Idempotency-Key too long",
                        (Request) () -> asDemo(api.post().uri("/api2/sessions"))
                                .header("Idempotency-Key", "k".repeat(256))
                                .contentType(MediaType.APPLICATION_JSON)
                                .bodyValue("{\"amount\": 100, \"currency\": \"EUR\"}"),
                        400,
                        "parameter_invalid",
                        "Idempotency-Key"),
                Arguments.of(
                        "no API key",
                        (Request) () -> api.post()
                                .uri("/api2/sessions")
                                .contentType(MediaType.APPLICATION_JSON)
                                .bodyValue("{\"amount\": 100, \"currency\": \"EUR\"}"),
                        401,
                        "api_key_missing",
                        "X-Api-Key"),
                Arguments.of(
                        "unknown API key",
                        (Request) () -> api.post()
                                .uri("/api2/sessions")
                                .header("X-Api-Key", "sk_test_nobody")
                                .contentType(MediaType.APPLICATION_JSON)
                                .bodyValue("{\"amount\": 100, \"currency\": \"EUR\"}"),
                        401,
                        "api_key_invalid",
                        "X-Api-Key"),
                Arguments.of(
                        "no API key on read",
                        (Request) () -> api.get().uri("/api2/sessions/{id}", openSessionId),
                        401,
                        "api_key_missing",
                        "X-Api-Key"),
                Arguments.of(
                        "no API key on expire",
                        (Request) () -> api.post().uri("/api2/sessions/{id}/expire", openSessionId),
                        401,
                        "api_key_missing",
                        "X-Api-Key"),
                Arguments.of(
                        "bad version",
                        (Request) () -> api.post()
                                .uri("/api2/sessions")
                                .header("X-Api-Key", TestStack.DEMO_KEY)
                                .header("X-Version", "2020-01-01")
                                .contentType(MediaType.APPLICATION_JSON)
                                .bodyValue("{\"amount\": 100, \"currency\": \"EUR\"}"),
                        400,
                        "unsupported_api_version",
                        "X-Version"),
                Arguments.of(
                        "bad version on expire",
                        (Request) () -> api.post()
                                .uri("/api2/sessions/{id}/expire", openSessionId)
                                .header("X-Api-Key", TestStack.DEMO_KEY)
                                .header("X-Version", "latest"),
                        400,
                        "unsupported_api_version",
                        "X-Version"),
                Arguments.of(
                        "unknown field",
                        (Request) () -> createSession("{\"amount\": 100, \"currency\": \"EUR\", \"colour\": \"red\"}"),
                        400,
                        "parameter_unknown",
                        "colour"),
                Arguments.of(
                        "unknown nested field",
                        (Request)
                                () -> createSession(
                                        "{\"amount\": 100, \"currency\": \"EUR\", \"customerDetails\": {\"shoeSize\": \"42\"}}"),
                        400,
                        "parameter_unknown",
                        "customerDetails.shoeSize"),
                Arguments.of(
                        "unknown field on expire",
                        (Request) () -> asDemo(api.post().uri("/api2/sessions/{id}/expire", openSessionId))
                                .contentType(MediaType.APPLICATION_JSON)
                                .bodyValue("{\"force\": true}"),
                        400,
                        "parameter_unknown",
                        "force"),
                Arguments.of(
                        "amount missing",
                        (Request) () -> createSession("{\"currency\": \"EUR\"}"),
                        400,
                        "parameter_missing",
                        "amount"),
                Arguments.of(
                        "amount zero",
                        (Request) () -> createSession("{\"amount\": 0, \"currency\": \"EUR\"}"),
                        400,
                        "amount_invalid",
                        "amount"),
                Arguments.of(
                        "amount negative",
                        (Request) () -> createSession("{\"amount\": -5, \"currency\": \"EUR\"}"),
                        400,
                        "amount_invalid",
                        "amount"),
                Arguments.of(
                        "amount with a fraction",
                        (Request) () -> createSession("{\"amount\": 10.5, \"currency\": \"EUR\"}"),
                        400,
                        "amount_invalid",
                        "amount"),
                Arguments.of(
                        "amount as a string",
                        (Request) () -> createSession("{\"amount\": \"100\", \"currency\": \"EUR\"}"),
                        400,
                        "amount_invalid",
                        "amount"),
                Arguments.of(
                        "amount above the maximum",
                        (Request) () -> createSession("{\"amount\": 100000000, \"currency\": \"EUR\"}"),
                        400,
                        "amount_invalid",
                        "amount"),
                Arguments.of(
                        "amount beyond a long",
                        (Request) () -> createSession("{\"amount\": 99999999999999999999999, \"currency\": \"EUR\"}"),
                        400,
                        "amount_invalid",
                        "amount"),
                Arguments.of(
                        "currency not ISO 4217",
                        (Request) () -> createSession("{\"amount\": 100, \"currency\": \"XYZ\"}"),
                        400,
                        "currency_invalid",
                        "currency"),
                Arguments.of(
                        "currency too long",
                        (Request) () -> createSession("{\"amount\": 100, \"currency\": \"EURO\"}"),
                        400,
                        "currency_invalid",
                        "currency"),
                Arguments.of(
                        "currency as a number",
                        (Request) () -> createSession("{\"amount\": 100, \"currency\": 978}"),
                        400,
                        "currency_invalid",
                        "currency"),
                Arguments.of(
                        "currency missing",
                        (Request) () -> createSession("{\"amount\": 100}"),
                        400,
                        "parameter_missing",
                        "currency"),
                Arguments.of(
                        "malformed JSON",
                        (Request) () -> createSession("{\"amount\": 100,"),
                        400,
                        "invalid_json",
                        null),
                Arguments.of(
                        "success URL not http(s)",
                        (Request) () -> createSession(
                                "{\"amount\": 100, \"currency\": \"EUR\", \"successUrl\": \"javascript:alert(1)\"}"),
                        400,
                        "url_invalid",
                        "successUrl"),
                Arguments.of(
                        "expiry too soon",
                        (Request) () -> createSession(
                                "{\"amount\": 100, \"currency\": \"EUR\", \"expiresAt\": \"2020-01-01T00:00:00Z\"}"),
                        400,
                        "parameter_invalid",
                        "expiresAt"),
                Arguments.of(
                        "unknown session",
                        (Request) () -> asDemo(api.get().uri("/api2/sessions/{id}", missingSession)),
                        404,
                        "resource_missing",
                        "id"),
                Arguments.of(
                        "not a session id",
                        (Request) () -> asDemo(api.get().uri("/api2/sessions/{id}", "p_123")),
                        404,
                        "resource_missing",
                        "id"),
                Arguments.of(
                        "expire an unknown session",
                        (Request) () -> asDemo(api.post().uri("/api2/sessions/{id}/expire", missingSession)),
                        404,
                        "resource_missing",
                        "id"),
                Arguments.of(
                        "body over 64 KiB",
                        (Request) () ->
                                createSession("{\"amount\": 100, \"currency\": \"EUR\", \"merchantReferenceId\": \""
                                        + "x".repeat(70_000) + "\"}"),
                        413,
                        "body_too_large",
                        null),
                Arguments.of(
                        "chunked body over 64 KiB",
                        (Request) () -> asDemo(api.post().uri("/api2/sessions"))
                                .contentType(MediaType.APPLICATION_JSON)
                                .body(
                                        reactor.core.publisher.Flux.just(
                                                "{\"amount\": 100, \"currency\": \"EUR\", ",
                                                "\"merchantReferenceId\": \"" + "y".repeat(70_000) + "\"}"),
                                        String.class),
                        413,
                        "body_too_large",
                        null),
                Arguments.of(
                        "webhook URL not http(s)",
                        (Request) () -> asDemo(api.post().uri("/api2/webhook-endpoints"))
                                .contentType(MediaType.APPLICATION_JSON)
                                .bodyValue(
                                        "{\"url\": \"ftp://example.com/x\", \"enabledEvents\": [\"session.expired\"]}"),
                        400,
                        "url_invalid",
                        "url"),
                Arguments.of(
                        "webhook event type unknown",
                        (Request)
                                () -> asDemo(api.post().uri("/api2/webhook-endpoints"))
                                        .contentType(MediaType.APPLICATION_JSON)
                                        .bodyValue(
                                                "{\"url\": \"https://example.com/x\", \"enabledEvents\": [\"session.exploded\"]}"),
                        400,
                        "parameter_invalid",
                        "enabledEvents"));
    }

    interface Request {
        WebTestClient.RequestHeadersSpec<?> build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void isRefusedAsProblemJsonAndChangesNothing(String name, Request request, int status, String code, String param) {
        String before = TestStack.stateFingerprint();

        WebTestClient.BodyContentSpec body = request.build()
                .exchange()
                .expectStatus()
                .isEqualTo(status)
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo(status)
                .jsonPath("$.code")
                .isEqualTo(code)
                .jsonPath("$.title")
                .exists()
                .jsonPath("$.detail")
                .exists();
        body.jsonPath("$.instance")
                .value(instance -> assertThat((String) instance).doesNotContain("/internal/"));
        if (param == null) {
            body.jsonPath("$.param").doesNotExist();
        } else {
            body.jsonPath("$.param").isEqualTo(param);
        }

        assertThat(TestStack.stateFingerprint()).isEqualTo(before);
    }

    @Test
    void anotherMerchantsSessionIsAnsweredLikeAMissingOneAndStaysOpen() {
        WebTestClient admin = api.mutate()
                .defaultHeader("X-Admin-Token", TestStack.ADMIN_TOKEN)
                .build();
        String merchant = PaygateJson.wire()
                .readTree(admin.post()
                        .uri("/admin/merchants")
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"name\": \"Other shop\"}")
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(String.class)
                        .returnResult()
                        .getResponseBody())
                .get("id")
                .asString();
        String otherKey = PaygateJson.wire()
                .readTree(admin.post()
                        .uri("/admin/merchants/{id}/api-keys", merchant)
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(String.class)
                        .returnResult()
                        .getResponseBody())
                .get("key")
                .asString();
        String before = TestStack.stateFingerprint();

        for (WebTestClient.RequestHeadersSpec<?> foreign : new WebTestClient.RequestHeadersSpec<?>[] {
            api.get().uri("/api2/sessions/{id}", openSessionId).header("X-Api-Key", otherKey),
            api.post().uri("/api2/sessions/{id}/expire", openSessionId).header("X-Api-Key", otherKey)
        }) {
            foreign.exchange()
                    .expectStatus()
                    .isNotFound()
                    .expectHeader()
                    .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.code")
                    .isEqualTo("resource_missing");
        }

        assertThat(TestStack.stateFingerprint()).isEqualTo(before);
        asDemo(api.get().uri("/api2/sessions/{id}", openSessionId))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("open");
    }

    @Test
    void aRevokedKeyIsRefusedAtOnce() {
        WebTestClient admin = api.mutate()
                .defaultHeader("X-Admin-Token", TestStack.ADMIN_TOKEN)
                .build();
        String merchant = PaygateJson.wire()
                .readTree(admin.post()
                        .uri("/admin/merchants")
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"name\": \"Short-lived\"}")
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(String.class)
                        .returnResult()
                        .getResponseBody())
                .get("id")
                .asString();
        JsonNode key = PaygateJson.wire()
                .readTree(admin.post()
                        .uri("/admin/merchants/{id}/api-keys", merchant)
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(String.class)
                        .returnResult()
                        .getResponseBody());
        api.get()
                .uri("/api2/sessions/{id}", Ids.SESSION.next())
                .header("X-Api-Key", key.get("key").asString())
                .exchange()
                .expectStatus()
                .isNotFound();

        admin.delete()
                .uri("/admin/api-keys/{id}", key.get("id").asString())
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.deleted")
                .isEqualTo(true);

        api.get()
                .uri("/api2/sessions/{id}", Ids.SESSION.next())
                .header("X-Api-Key", key.get("key").asString())
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("api_key_invalid");
    }

    @Test
    void theOperatorApiNeedsTheAdminToken() {
        api.post()
                .uri("/admin/merchants")
                .header("X-Admin-Token", "wrong")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"x\"}")
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("admin_token_invalid");
        api.post()
                .uri("/admin/merchants")
                .header(HttpHeaders.CONTENT_TYPE, "application/json")
                .bodyValue("{\"name\": \"x\"}")
                .exchange()
                .expectStatus()
                .isUnauthorized();
    }
}
