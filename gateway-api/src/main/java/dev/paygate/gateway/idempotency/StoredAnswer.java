package dev.paygate.gateway.idempotency;

import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.gateway.error.ApiException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * An answer as it is kept under an idempotency key: status, content type and the exact body text. A refusal
 * ({@link ApiException}) is rendered here to the same problem+json the {@code ProblemHandler} writes, so the
 * first answer and every replay are the same bytes.
 */
record StoredAnswer(int status, String contentType, String body) {

    static StoredAnswer of(ResponseEntity<String> response) {
        MediaType type = response.getHeaders().getContentType();
        return new StoredAnswer(
                response.getStatusCode().value(),
                type == null ? null : type.toString(),
                response.getBody() == null ? "" : response.getBody());
    }

    /** The problem a refusal answers with; {@code instance} is the request path, as Spring sets it. */
    static StoredAnswer problem(ApiException e, String instance) {
        // the fields and their order as Spring's codec writes a ProblemDetail (RFC 9457 order, alphabetical sorting
        // is off in gateway-api.yml, then our extensions): a stored refusal must read exactly like one answered
        // without a key (IdempotencyKeysIT compares them byte for byte)
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "urn:paygate:problem:" + e.code());
        problem.put("title", e.status().getReasonPhrase());
        problem.put("status", e.status().value());
        if (e.getMessage() != null) {
            problem.put("detail", e.getMessage());
        }
        problem.put("instance", instance);
        problem.put("code", e.code());
        if (e.param() != null) {
            problem.put("param", e.param());
        }
        return new StoredAnswer(
                e.status().value(),
                MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                PaygateJson.wire().writeValueAsString(problem));
    }

    ResponseEntity<String> toResponse() {
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(status);
        if (contentType != null) {
            builder.contentType(MediaType.parseMediaType(contentType));
        }
        return builder.body(body);
    }

    /** The stored answer given again, marked as such. */
    ResponseEntity<String> replay() {
        ResponseEntity<String> response = toResponse();
        return ResponseEntity.status(response.getStatusCode())
                .headers(response.getHeaders())
                .header(IdempotencyCodes.REPLAYED_HEADER, "true")
                .body(body);
    }
}
