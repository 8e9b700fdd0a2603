package dev.paygate.webhook.api;

import dev.paygate.contracts.ProblemCodes;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.MissingRequestValueException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;

/**
 * Answers refused requests as {@code application/problem+json} with the two Paygate extras, {@code code} and
 * {@code param}, so the gateway can pass them on unchanged. Not limited to our controllers' packages, as a
 * request no handler matches (wrong route or method) has no handler type to match against.
 */
@RestControllerAdvice
class ProblemHandler {

    @ExceptionHandler(ApiProblem.class)
    public ResponseEntity<ProblemDetail> apiProblem(ApiProblem problem) {
        return problem(problem.status(), problem.code(), problem.getMessage(), problem.param());
    }

    /** A missing header or an unreadable body: the caller's mistake, answered in the same shape. */
    @ExceptionHandler(ServerWebInputException.class)
    public ResponseEntity<ProblemDetail> badInput(ServerWebInputException e) {
        if (e instanceof MissingRequestValueException missing) {
            return problem(
                    HttpStatus.BAD_REQUEST,
                    ProblemCodes.PARAMETER_MISSING,
                    "Missing " + missing.getLabel() + " '" + missing.getName() + "'.",
                    missing.getName());
        }
        return problem(HttpStatus.BAD_REQUEST, ProblemCodes.INVALID_JSON, "The request could not be read.", null);
    }

    /** Refusals raised by the framework itself (wrong method, unreadable or oversized body, no such route). */
    @ExceptionHandler(ResponseStatusException.class)
    public ResponseEntity<ProblemDetail> frameworkRefusal(ResponseStatusException e) {
        HttpStatus status = HttpStatus.resolve(e.getStatusCode().value());
        if (status == null) {
            status = e.getStatusCode().is4xxClientError() ? HttpStatus.BAD_REQUEST : HttpStatus.INTERNAL_SERVER_ERROR;
        }
        String code = switch (status.value()) {
            case 404 -> ProblemCodes.RESOURCE_MISSING;
            case 405 -> ProblemCodes.METHOD_NOT_ALLOWED;
            case 413 -> ProblemCodes.BODY_TOO_LARGE;
            case 415 -> ProblemCodes.UNSUPPORTED_MEDIA_TYPE;
            case 503 -> ProblemCodes.SERVICE_UNAVAILABLE;
            default -> status.is4xxClientError() ? ProblemCodes.PARAMETER_INVALID : ProblemCodes.INTERNAL_ERROR;
        };
        String detail = e.getReason() != null ? e.getReason() : status.getReasonPhrase();
        return problem(status, code, detail, null);
    }

    public static ResponseEntity<ProblemDetail> problem(HttpStatus status, String code, String detail, String param) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        // the same type URIs as the gateway, which passes these problems on to merchants as they are
        body.setType(URI.create("urn:paygate:problem:" + code));
        body.setTitle(status.getReasonPhrase());
        body.setProperty("code", code);
        if (param != null) {
            body.setProperty("param", param);
        }
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(body);
    }
}
