package dev.paygate.launcher;

import dev.paygate.contracts.json.PaygateJson;
import java.time.Duration;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/** A merchant's client of the public API, for the end-to-end tests. */
final class Http {

    record Answer(int status, JsonNode body) {}

    final WebTestClient client;

    Http(String apiKey) {
        client = WebTestClient.bindToServer()
                .baseUrl(TestStack.gatewayUrl())
                .responseTimeout(Duration.ofSeconds(30))
                .defaultHeader("X-Api-Key", apiKey)
                .defaultHeader("X-Version", "2023-10-31")
                .build();
    }

    private Http(WebTestClient client) {
        this.client = client;
    }

    /**
     * A secupay-style client: {@code Authorization: Bearer <key>}, no {@code X-Version}, as secupay's example
     * (docs/secupay.md).
     */
    static Http bearer(String apiKey) {
        return new Http(WebTestClient.bindToServer()
                .baseUrl(TestStack.gatewayUrl())
                .responseTimeout(Duration.ofSeconds(40))
                .defaultHeader("Authorization", "Bearer " + apiKey)
                .defaultHeader("Accept", "application/json")
                .build());
    }

    Answer post(String path, String body) {
        WebTestClient.RequestBodySpec spec = client.method(HttpMethod.POST).uri(path);
        EntityExchangeResult<String> result = (body == null
                        ? spec
                        : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body))
                .exchange()
                .expectBody(String.class)
                .returnResult();
        return answer(result);
    }

    Answer get(String path) {
        return answer(client.get().uri(path).exchange().expectBody(String.class).returnResult());
    }

    /** POST that must answer 200; returns the body. */
    JsonNode ok(String path, String body) {
        Answer answer = post(path, body);
        if (answer.status() != 200) {
            throw new AssertionError("POST " + path + " answered " + answer.status() + ": " + answer.body());
        }
        return answer.body();
    }

    private static Answer answer(EntityExchangeResult<String> result) {
        String body = result.getResponseBody();
        return new Answer(
                result.getStatus().value(),
                body == null || body.isEmpty() ? null : PaygateJson.wire().readTree(body));
    }
}
