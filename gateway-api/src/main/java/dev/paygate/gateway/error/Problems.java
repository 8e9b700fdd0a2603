package dev.paygate.gateway.error;

import java.net.URI;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** Builds RFC 9457 problem details with Paygate's {@code code} and {@code param} extensions. */
final class Problems {

    private Problems() {}

    public static ResponseEntity<ProblemDetail> of(HttpStatusCode status, String code, String detail, String param) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("urn:paygate:problem:" + code));
        problem.setProperty("code", code);
        if (param != null) {
            problem.setProperty("param", param);
        }
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    public static ResponseEntity<ProblemDetail> of(ApiException e) {
        ResponseEntity<ProblemDetail> answer = of(e.status(), e.code(), e.getMessage(), e.param());
        if (e.retryAfter() == null) {
            return answer;
        }
        long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
        return ResponseEntity.status(answer.getStatusCode())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .header("Retry-After", Long.toString(seconds))
                .body(answer.getBody());
    }
}
