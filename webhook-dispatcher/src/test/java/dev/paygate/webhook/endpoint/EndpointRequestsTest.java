package dev.paygate.webhook.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.paygate.webhook.api.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

class EndpointRequestsTest {

    final EndpointRequests httpsOnly = new EndpointRequests(false);
    final EndpointRequests httpAllowed = new EndpointRequests(true);

    @Test
    void acceptsAnHttpsEndpointAndDropsDuplicateEventTypes() {
        CreateEndpointRequest request = httpsOnly.parseCreate(json("""
                {"url": "https://hooks.example.com/paygate?x=1", "enabledEvents": ["refund.updated", "*", "refund.updated"],
                 "description": "orders"}"""));

        assertThat(request.url()).isEqualTo("https://hooks.example.com/paygate?x=1");
        assertThat(request.enabledEvents()).containsExactly("refund.updated", "*");
        assertThat(request.description()).isEqualTo("orders");
    }

    @Test
    void refusesPlainHttpUnlessAllowed() {
        String body = """
                {"url": "http://127.0.0.1:9000/hook", "enabledEvents": ["*"]}""";

        assertProblem(() -> httpsOnly.parseCreate(json(body)), "url_invalid", "url");
        assertThat(httpAllowed.parseCreate(json(body)).url()).isEqualTo("http://127.0.0.1:9000/hook");
    }

    @Test
    void refusesUrlsThatAreNotAbsoluteHttpWithAHost() {
        for (String url : List.of(
                "/relative",
                "ftp://example.com/x",
                "https://",
                "mailto:a@example.com",
                "https://exa mple.com/",
                "https:///path",
                "https://example.com/" + "a".repeat(2048))) {
            assertProblem(
                    () -> httpAllowed.parseCreate(json("{\"url\": \"" + url + "\", \"enabledEvents\": [\"*\"]}")),
                    "url_invalid",
                    "url");
        }
    }

    @Test
    void refusesUnknownFieldsNamingThem() {
        assertProblem(() -> httpsOnly.parseCreate(json("""
                {"url": "https://example.com", "enabledEvents": ["*"], "secret": "mine"}""")), "parameter_unknown", "secret");
    }

    @Test
    void refusesUnknownMissingOrEmptyEventTypes() {
        assertProblem(() -> httpsOnly.parseCreate(json("""
                {"url": "https://example.com", "enabledEvents": ["payment.canceled", "payment.refunded"]}""")), "parameter_invalid", "enabledEvents");
        assertProblem(() -> httpsOnly.parseCreate(json("""
                {"url": "https://example.com", "enabledEvents": []}""")), "parameter_invalid", "enabledEvents");
        assertProblem(() -> httpsOnly.parseCreate(json("""
                {"url": "https://example.com", "enabledEvents": [null]}""")), "parameter_invalid", "enabledEvents");
        assertProblem(() -> httpsOnly.parseCreate(json("""
                {"url": "https://example.com", "enabledEvents": "*"}""")), "parameter_invalid", "enabledEvents");
        assertProblem(() -> httpsOnly.parseCreate(json("""
                {"url": "https://example.com"}""")), "parameter_missing", "enabledEvents");
        assertProblem(() -> httpsOnly.parseCreate(json("""
                {"enabledEvents": ["*"]}""")), "parameter_missing", "url");
    }

    @Test
    void refusesWrongTypesLongDescriptionsAndMalformedBodies() {
        assertProblem(() -> httpsOnly.parseCreate(json("""
                {"url": 42, "enabledEvents": ["*"]}""")), "parameter_invalid", "url");
        assertProblem(
                () -> httpsOnly.parseCreate(json("{\"url\": \"https://example.com\", \"enabledEvents\": [\"*\"], "
                        + "\"description\": \"" + "d".repeat(501) + "\"}")),
                "parameter_invalid",
                "description");
        assertProblem(() -> httpsOnly.parseCreate(json("{\"url\": ")), "invalid_json", null);
        assertProblem(() -> httpsOnly.parseCreate(json("")), "invalid_json", null);
        assertProblem(() -> httpsOnly.parseCreate(json("[]")), "invalid_json", null);
        assertProblem(() -> httpsOnly.parseCreate(json("null")), "invalid_json", null);
        assertProblem(() -> httpsOnly.parseCreate(json("""
                {"url": "https://a.example", "url": "https://b.example", "enabledEvents": ["*"]}""")), "invalid_json", null);
    }

    static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static void assertProblem(Runnable call, String code, String param) {
        ApiProblem problem = catchThrowableOfType(ApiProblem.class, call::run);
        assertThat(problem).as("expected problem %s", code).isNotNull();
        assertThat(problem.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(problem.code()).isEqualTo(code);
        assertThat(problem.param()).isEqualTo(param);
    }
}
