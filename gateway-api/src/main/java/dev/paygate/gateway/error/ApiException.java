package dev.paygate.gateway.error;

import org.springframework.http.HttpStatus;

/** A request the API refuses, answered as problem+json with a stable {@code code} and the offending {@code param}. */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String code;
    private final String param;
    private final java.time.Duration retryAfter;

    public ApiException(HttpStatus status, String code, String detail, String param) {
        this(status, code, detail, param, null);
    }

    /** @param retryAfter sent as {@code Retry-After} (whole seconds, rounded up), or null */
    public ApiException(HttpStatus status, String code, String detail, String param, java.time.Duration retryAfter) {
        super(detail);
        this.status = status;
        this.code = code;
        this.param = param;
        this.retryAfter = retryAfter;
    }

    public java.time.Duration retryAfter() {
        return retryAfter;
    }

    public static ApiException badRequest(String code, String detail, String param) {
        return new ApiException(HttpStatus.BAD_REQUEST, code, detail, param);
    }

    public static ApiException notFound(String what, String id) {
        return new ApiException(
                HttpStatus.NOT_FOUND,
                dev.paygate.contracts.ProblemCodes.RESOURCE_MISSING,
                "No such " + what + ": " + id,
                "id");
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }
}
