package dev.paygate.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paygate.client.invoker.ApiException;
import dev.paygate.client.model.Problem;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A request that failed for good: refused by Paygate (a 4xx or 5xx with its RFC 9457 problem), or unanswered after
 * every retry ({@link #status()} 0, the cause the network error).
 */
public final class PaygateException extends RuntimeException {

    private final int status;
    private final Problem problem;
    private final Duration retryAfter;
    private final String idempotencyKey;
    private final int attempts;

    PaygateException(
            String message,
            Throwable cause,
            int status,
            Problem problem,
            Duration retryAfter,
            String idempotencyKey,
            int attempts) {
        super(message, cause);
        this.status = status;
        this.problem = problem;
        this.retryAfter = retryAfter;
        this.idempotencyKey = idempotencyKey;
        this.attempts = attempts;
    }

    /** What the generated client threw for {@code request}, read: the problem, {@code Retry-After}. */
    static PaygateException from(
            String request, ApiException e, String idempotencyKey, int attempts, ObjectMapper json) {
        int status = e.getCode();
        if (status == 0) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String what = cause instanceof JsonProcessingException ? "an answer that could not be read" : "no answer";
            return new PaygateException(
                    request + ": " + what + " (" + cause.getClass().getSimpleName() + ")",
                    cause,
                    0,
                    null,
                    null,
                    idempotencyKey,
                    attempts);
        }
        Problem problem = problem(e.getResponseBody(), json);
        Duration retryAfter = retryAfter(e.getResponseHeaders());
        String code = problem == null || problem.getCode() == null ? "" : " " + problem.getCode();
        String detail = problem == null || problem.getDetail() == null ? "" : ": " + problem.getDetail();
        // not chained to the ApiException: its message is the whole body (a declined payment's customer details), which
        // would be in every logged stack trace; problem() has what the body said
        return new PaygateException(
                request + ": " + status + code + detail, null, status, problem, retryAfter, idempotencyKey, attempts);
    }

    static PaygateException stillPending(String request, String idempotencyKey, Duration waited) {
        return new PaygateException(
                request + ": the outcome was still pending after " + waited, null, 202, null, null, idempotencyKey, 0);
    }

    private static Problem problem(String body, ObjectMapper json) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return json.readValue(body, Problem.class);
        } catch (IOException notAProblem) {
            return null; // a proxy's HTML page, say: the status still tells what happened
        }
    }

    /** {@code Retry-After} as seconds or an HTTP date (RFC 9110 §10.2.3). */
    static Duration retryAfter(HttpHeaders headers) {
        if (headers == null) {
            return null;
        }
        return headers.firstValue("Retry-After")
                .map(PaygateException::retryAfter)
                .orElse(null);
    }

    static Duration retryAfter(String value) {
        String v = value.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(
                        ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException neither) {
                return null;
            }
        }
    }

    /**
     * Whether no answer came at all (refused or closed connection, timeout): the request may or may not have been
     * received. Not so for an answer that came but could not be read.
     */
    public boolean noAnswer() {
        return status == 0 && getCause() instanceof IOException && !(getCause() instanceof JsonProcessingException);
    }

    /** The HTTP status; 0 when no answer came, or none that could be read. */
    public int status() {
        return status;
    }

    /** The problem's {@code code} ({@code card_declined}, {@code amount_too_large} …), or null. */
    public String code() {
        return problem == null ? null : problem.getCode();
    }

    /** The whole problem (with the declined payment, for {@code card_declined}), or null. */
    public Problem problem() {
        return problem;
    }

    /** The answer's {@code Retry-After}, if it had one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The {@code Idempotency-Key} the request was sent with (null for a read): send again with it, safely. */
    public String idempotencyKey() {
        return idempotencyKey;
    }

    /** How often the request was sent. */
    public int attempts() {
        return attempts;
    }
}
