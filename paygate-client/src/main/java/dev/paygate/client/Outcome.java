package dev.paygate.client;

import dev.paygate.client.invoker.ApiResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The answer to a write. Usually final: {@link #value()} is the resource after the change. When Paygate did not learn
 * the outcome within its reply timeout it answers 202: the change is {@linkplain #pending() pending}, {@code value()}
 * is the resource as last known (perhaps only its id), and {@link #await()} waits for the final answer.
 */
public final class Outcome<T> {

    /** How long {@link #await()} waits. */
    public static final Duration DEFAULT_AWAIT = Duration.ofSeconds(60);

    private final Calls calls;
    private final String request;
    private final String idempotencyKey;
    private final Calls.Call<T> call;
    private final boolean pending;
    private final T value;

    Outcome(Calls calls, String request, String idempotencyKey, Calls.Call<T> call, boolean pending, T value) {
        this.calls = calls;
        this.request = request;
        this.idempotencyKey = idempotencyKey;
        this.call = call;
        this.pending = pending;
        this.value = value;
    }

    /** Whether Paygate answered 202: the change still happens, its outcome not known yet. */
    public boolean pending() {
        return pending;
    }

    /** The resource: after the change, or as last known while {@linkplain #pending() pending}. */
    public T value() {
        return value;
    }

    /** The {@code Idempotency-Key} the write was sent with. */
    public String idempotencyKey() {
        return idempotencyKey;
    }

    /** The final answer, waiting up to {@link #DEFAULT_AWAIT} for it. */
    public T await() {
        return await(DEFAULT_AWAIT);
    }

    /**
     * The final answer: this one if it is final; otherwise the write is sent again with the same
     * {@code Idempotency-Key}, with backoff, until Paygate answers it for good — the answer the change had, never a
     * second change (while the change runs the key answers 409 {@code idempotency_key_in_use}, which is waited out).
     *
     * @throws PaygateException the write's final answer was a refusal (a decline, say), or {@code timeout} passed
     */
    public T await(Duration timeout) {
        if (!pending) {
            return value;
        }
        // the answer at hand is the 202: ask again after a backoff
        long deadline = System.nanoTime() + timeout.toNanos();
        return calls.poll(timeout, true, PaygateException.stillPending(request, idempotencyKey, timeout), () -> {
            try {
                ApiResponse<T> answer = calls.send(request, idempotencyKey, call, deadline);
                return answer.getStatusCode() == 202 ? Optional.empty() : Optional.ofNullable(answer.getData());
            } catch (PaygateException e) {
                if ("idempotency_key_in_use".equals(e.code())) {
                    return Optional.empty(); // the change still runs
                }
                throw e;
            }
        });
    }
}
