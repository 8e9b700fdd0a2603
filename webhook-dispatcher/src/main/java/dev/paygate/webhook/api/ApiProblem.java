package dev.paygate.webhook.api;

import dev.paygate.contracts.ProblemCodes;
import org.springframework.http.HttpStatus;

/**
 * A request this service refuses, answered as RFC 9457 problem+json by {@link ProblemHandler}.
 * Thrown only for the caller's mistakes (4xx), never for our own failures.
 */
public class ApiProblem extends RuntimeException {

    private final HttpStatus status;
    private final String code;
    private final String param;

    public ApiProblem(HttpStatus status, String code, String detail, String param) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.param = param;
    }

    public static ApiProblem badRequest(String code, String detail, String param) {
        return new ApiProblem(HttpStatus.BAD_REQUEST, code, detail, param);
    }

    public static ApiProblem notFound(String detail) {
        return new ApiProblem(HttpStatus.NOT_FOUND, ProblemCodes.RESOURCE_MISSING, detail, "id");
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The offending request field, or {@code null}. */
    public String param() {
        return param;
    }
}
