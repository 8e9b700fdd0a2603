package dev.paygate.gateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.gateway.error.ApiException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

class StoredAnswerTest {

    @Test
    void keepsStatusContentTypeAndBodyExactly() {
        String body = "{\"id\":\"ps_1\",  \"note\":\"ü\"}";
        StoredAnswer answer = StoredAnswer.of(ResponseEntity.status(201)
                .contentType(MediaType.APPLICATION_JSON)
                .body(body));

        assertThat(answer).isEqualTo(new StoredAnswer(201, "application/json", body));
        ResponseEntity<String> replay = answer.replay();
        assertThat(replay.getStatusCode().value()).isEqualTo(201);
        assertThat(replay.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
        assertThat(replay.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replay.getBody()).isEqualTo(body);
        assertThat(answer.toResponse().getHeaders().getFirst("Idempotent-Replayed"))
                .isNull();
    }

    @Test
    void rendersARefusalAsTheProblemHandlerDoes() {
        StoredAnswer answer = StoredAnswer.problem(
                new ApiException(HttpStatus.CONFLICT, "session_invalid_status", "The session is \"expired\".", "id"),
                "/api2/sessions/ps_1/expire");

        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        assertThat(answer.body())
                .isEqualTo(
                        "{\"type\":\"urn:paygate:problem:session_invalid_status\","
                                + "\"title\":\"Conflict\",\"status\":409,\"detail\":\"The session is \\\"expired\\\".\","
                                + "\"instance\":\"/api2/sessions/ps_1/expire\",\"code\":\"session_invalid_status\",\"param\":\"id\"}");
    }

    @Test
    void aProblemWithoutParamHasNone() {
        StoredAnswer answer = StoredAnswer.problem(
                new ApiException(HttpStatus.PAYMENT_REQUIRED, "card_declined", "Declined.", null), "/api2/payments");

        assertThat(answer.body()).doesNotContain("param").contains("\"title\":\"Payment Required\"");
    }
}
