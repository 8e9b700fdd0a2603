package dev.paygate.gateway.error;

import org.springframework.http.HttpStatus;

/** A request the API refuses, answered as problem+json with a stable {@code code} and the offending {@code param}. */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String code;
    private final String param;

    public ApiException(HttpStatus status, String code, String detail, String param) {
        super(detail);
        this.status = status;
        this.code = code;
        this.param = param;
    }

    public static ApiException badRequest(String code, String detail, String param) {
        return new ApiException(HttpStatus.BAD_REQUEST, code, detail, param);
    }

    public static ApiException notFound(String what, String id) {
        return new ApiException(HttpStatus.NOT_FOUND, dev.paygate.contracts.ProblemCodes.RESOURCE_MISSING,
                "No such " + what + ": " + id, "id");
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
