package dev.paygate.client;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When the client sends a request again, and how long it waits first.
 *
 * <p>Retried: a network error (no answer, a timeout), 409 {@code idempotency_key_in_use}, 429, 500, 502
 * {@code acquirer_unavailable} (the bank did not answer; nothing changed), 503 and 504 — never another 4xx, and never
 * 502 {@code acquirer_refused} (the same request would be refused again). A POST is retried with the same
 * {@code Idempotency-Key}, so however many times it is sent it has one effect.
 *
 * <p>The n-th retry waits a random time between half and all of {@code min(maxBackoff, initialBackoff × 2^(n-1))}
 * ("equal jitter": never at once, and clients that failed together do not come back together), and at least what the
 * answer's {@code Retry-After} asks. An answer asking for more than {@code maxRetryAfter} is not waited for: the call
 * fails with it, and {@link PaygateException#retryAfter()} says when to try again.
 *
 * @param maxAttempts how often a request is sent at most, the first time included (1: never retried)
 * @param initialBackoff the first retry's backoff
 * @param maxBackoff the cap on the backoff
 * @param maxRetryAfter the longest {@code Retry-After} waited for
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException(
                    "backoffs must be 0 <= initialBackoff <= maxBackoff, maxRetryAfter >= 0");
        }
    }

    /** 5 attempts, from 500 ms up to 8 s apart, waiting up to 60 s for a {@code Retry-After}: about 10 s of trying. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(60));
    }

    /** Every request is sent once. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }

    /** The same policy sending a request at most {@code maxAttempts} times. */
    public RetryPolicy withMaxAttempts(int maxAttempts) {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, maxRetryAfter);
    }

    /** The backoff before retry number {@code retry} (1 for the first), with its jitter. */
    public Duration backoff(int retry) {
        long cap = maxBackoff.toNanos();
        long initial = initialBackoff.toNanos();
        int doublings = Math.min(Math.max(retry - 1, 0), 62);
        long ceiling = initial > (cap >>> doublings) ? cap : initial << doublings; // no overflow: capped first
        long half = ceiling / 2;
        return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
    }

    /**
     * How long to wait before retry number {@code retry}, after an answer that asked for {@code retryAfter}: empty if
     * that is more than this policy waits for.
     */
    Optional<Duration> delay(int retry, Optional<Duration> retryAfter) {
        Duration backoff = backoff(retry);
        if (retryAfter.isEmpty()) {
            return Optional.of(backoff);
        }
        Duration asked = retryAfter.get();
        if (asked.compareTo(maxRetryAfter) > 0) {
            return Optional.empty();
        }
        return Optional.of(asked.compareTo(backoff) > 0 ? asked : backoff);
    }
}
