package dev.paygate.gateway.error;

import dev.paygate.contracts.ProblemCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.MissingRequestValueException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;

/** Every error leaves the API as problem+json with a {@code code}; a 5xx never carries internals. */
@RestControllerAdvice
public class ProblemHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> api(ApiException e) {
        return Problems.of(e);
    }

    @ExceptionHandler(DataBufferLimitException.class)
    ResponseEntity<ProblemDetail> tooLarge(DataBufferLimitException e) {
        return Problems.of(
                HttpStatus.CONTENT_TOO_LARGE, ProblemCodes.BODY_TOO_LARGE, "The request body exceeds 64 KiB.", null);
    }

    @ExceptionHandler(MissingRequestValueException.class)
    ResponseEntity<ProblemDetail> missing(MissingRequestValueException e) {
        return Problems.of(
                HttpStatus.BAD_REQUEST,
                ProblemCodes.PARAMETER_MISSING,
                "Missing " + e.getLabel() + " '" + e.getName() + "'.",
                e.getName());
    }

    @ExceptionHandler(ServerWebInputException.class)
    ResponseEntity<ProblemDetail> input(ServerWebInputException e) {
        if (hasCause(e, DataBufferLimitException.class)) {
            return tooLarge(null);
        }
        return Problems.of(HttpStatus.BAD_REQUEST, ProblemCodes.INVALID_JSON, "The request could not be read.", null);
    }

    @ExceptionHandler(UnsupportedMediaTypeStatusException.class)
    ResponseEntity<ProblemDetail> mediaType(UnsupportedMediaTypeStatusException e) {
        return Problems.of(
                HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                ProblemCodes.UNSUPPORTED_MEDIA_TYPE,
                "Send request bodies as application/json.",
                null);
    }

    @ExceptionHandler(MethodNotAllowedException.class)
    ResponseEntity<ProblemDetail> method(MethodNotAllowedException e) {
        return Problems.of(
                HttpStatus.METHOD_NOT_ALLOWED,
                ProblemCodes.METHOD_NOT_ALLOWED,
                "Method " + e.getHttpMethod() + " is not allowed here.",
                null);
    }

    @ExceptionHandler(ResponseStatusException.class)
    ResponseEntity<ProblemDetail> status(ResponseStatusException e) {
        if (e.getStatusCode().value() == 413 || hasCause(e, DataBufferLimitException.class)) {
            return tooLarge(null);
        }
        if (e.getStatusCode().value() == 404) {
            return Problems.of(e.getStatusCode(), ProblemCodes.RESOURCE_MISSING, "No such resource.", null);
        }
        if (e.getStatusCode().is5xxServerError()) {
            log.error("request failed", e);
            return Problems.of(
                    e.getStatusCode(), ProblemCodes.INTERNAL_ERROR, "Something went wrong on our side.", null);
        }
        return Problems.of(
                e.getStatusCode(),
                ProblemCodes.PARAMETER_INVALID,
                e.getReason() == null ? "The request is invalid." : e.getReason(),
                null);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        if (hasCause(e, DataBufferLimitException.class)) {
            return tooLarge(null);
        }
        if (storeUnavailable(e)) {
            // the database (keys, idempotency) is down or restarting: nothing was done, the client may retry
            log.warn("a store is unavailable: {}", e.toString());
            ResponseEntity<ProblemDetail> problem = Problems.of(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    ProblemCodes.SERVICE_UNAVAILABLE,
                    "Paygate cannot reach its database right now; nothing was done."
                            + " Retry shortly, with the same Idempotency-Key.",
                    null);
            return ResponseEntity.status(problem.getStatusCode())
                    .headers(problem.getHeaders())
                    .header(org.springframework.http.HttpHeaders.RETRY_AFTER, "1")
                    .body(problem.getBody());
        }
        log.error("unexpected failure", e);
        return Problems.of(
                HttpStatus.INTERNAL_SERVER_ERROR,
                ProblemCodes.INTERNAL_ERROR,
                "Something went wrong on our side.",
                null);
    }

    /** The database refused or dropped the connection (down, restarting, out of connections). */
    static boolean storeUnavailable(Throwable e) {
        return hasCause(e, org.springframework.dao.DataAccessResourceFailureException.class)
                || hasCause(e, org.springframework.dao.TransientDataAccessException.class)
                || hasCause(e, io.r2dbc.spi.R2dbcNonTransientResourceException.class)
                || hasCause(e, io.r2dbc.spi.R2dbcTransientResourceException.class)
                || hasCause(e, io.r2dbc.spi.R2dbcTimeoutException.class)
                || hasCause(e, java.net.ConnectException.class)
                || hasCause(e, java.nio.channels.ClosedChannelException.class);
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
