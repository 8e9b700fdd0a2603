package dev.paygate.gateway.idempotency;

/**
 * The problem codes and headers of idempotency keys (docs/api.md, "Conventions"). The codes live in the gateway,
 * which alone answers them, rather than in the contracts every service shares.
 */
public final class IdempotencyCodes {

    /** 422: the key was first used with another request (method, path or body). */
    public static final String IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused";
    /** 409: the first request with this key has no final answer yet. */
    public static final String IDEMPOTENCY_KEY_IN_USE = "idempotency_key_in_use";

    /** The request header a merchant sends, at most {@link #MAX_KEY_LENGTH} characters. */
    public static final String KEY_HEADER = "Idempotency-Key";
    /** Set to {@code true} on an answer that is a stored one given again. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    public static final int MAX_KEY_LENGTH = 255;

    private IdempotencyCodes() {}
}
