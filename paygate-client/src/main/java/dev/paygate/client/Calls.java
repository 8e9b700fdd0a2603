package dev.paygate.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paygate.client.invoker.ApiException;
import dev.paygate.client.invoker.ApiResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Sends the generated client's calls, retried as the {@link RetryPolicy} says. */
final class Calls {

    /**
     * The body of a write that takes none (expire, rotate a secret, retry a delivery): the generated client sends its
     * body parameter as it is, and cannot send none.
     */
    static final String EMPTY_OBJECT = "{}";

    /** One call of the generated client, with the key it is to send (null for a read). */
    @FunctionalInterface
    interface Call<T> {
        ApiResponse<T> send(String idempotencyKey) throws ApiException;
    }

    private final RetryPolicy policy;
    private final Supplier<String> idempotencyKeys;
    private final Consumer<RetryEvent> onRetry;
    private final ObjectMapper json;

    Calls(RetryPolicy policy, Supplier<String> idempotencyKeys, Consumer<RetryEvent> onRetry, ObjectMapper json) {
        this.policy = policy;
        this.idempotencyKeys = idempotencyKeys;
        this.onRetry = onRetry;
        this.json = json;
    }

    /** A write, under {@code idempotencyKey} (a new one when null): its answer, or pending on a 202. */
    <T> Outcome<T> write(String request, String idempotencyKey, Call<T> call) {
        String key = idempotencyKey == null ? idempotencyKeys.get() : idempotencyKey;
        ApiResponse<T> answer = send(request, key, call);
        return new Outcome<>(this, request, key, call, answer.getStatusCode() == 202, answer.getData());
    }

    /** A read. */
    <T> T read(String request, Call<T> call) {
        return send(request, null, call).getData();
    }

    /** {@code call}, sent until it is answered with a 2xx or a failure that is not retried. */
    <T> ApiResponse<T> send(String request, String key, Call<T> call) {
        return send(request, key, call, Long.MAX_VALUE);
    }

    /** The same, retrying only until {@code deadline} ({@link System#nanoTime()}); no wait goes past it. */
    <T> ApiResponse<T> send(String request, String key, Call<T> call, long deadline) {
        for (int attempt = 1; ; attempt++) {
            PaygateException failure;
            try {
                return call.send(key);
            } catch (ApiException e) {
                failure = PaygateException.from(request, e, key, attempt, json);
                if (e.getCause() instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    throw failure;
                }
            }
            Optional<Duration> delay = attempt < policy.maxAttempts() && retried(failure)
                    ? policy.delay(attempt, failure.retryAfter())
                    : Optional.empty();
            if (delay.isEmpty() || delay.get().toNanos() > deadline - System.nanoTime()) {
                throw failure;
            }
            onRetry.accept(new RetryEvent(request, attempt, failure, delay.get()));
            pause(delay.get(), failure);
        }
    }

    /** See {@link RetryPolicy}: what may be sent again, and changes nothing twice when it is. */
    static boolean retried(PaygateException failure) {
        return switch (failure.status()) {
            case 0 -> failure.noAnswer();
            case 429, 500, 503, 504 -> true;
            case 409 -> "idempotency_key_in_use".equals(failure.code());
            case 502 -> "acquirer_unavailable".equals(failure.code());
            default -> false;
        };
    }

    /**
     * Asks {@code attempt} until it has an answer (not empty), waiting the policy's backoff before each ask (but the
     * first, unless {@code waitFirst}), at most {@code timeout} in all.
     *
     * @throws PaygateException {@code stillPending}, when {@code timeout} passed without an answer
     */
    <T> T poll(Duration timeout, boolean waitFirst, PaygateException stillPending, Supplier<Optional<T>> attempt) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int poll = waitFirst ? 1 : 0; ; poll++) {
            if (poll > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw stillPending;
                }
                pause(Duration.ofNanos(Math.min(left, policy.backoff(poll).toNanos())), stillPending);
            }
            Optional<T> answer = attempt.get();
            if (answer.isPresent()) {
                return answer.get();
            }
        }
    }

    /** Waits out a backoff: the caller's thread sleeps, as a blocking client's must; an interrupt ends the call. */
    static void pause(Duration delay, PaygateException failure) {
        try {
            Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.addSuppressed(e);
            throw failure;
        }
    }
}
