package dev.paygate.client.webhooks;

/**
 * Which webhooks were processed, by {@code webhook-id}: Paygate delivers at least once (a retry after a lost answer, a
 * replay), so the same event can arrive more than once, and must be acted on once. A webhook is claimed before it is
 * processed, and then either {@linkplain #done done} or {@linkplain #release released} (processing failed: the next
 * delivery processes it). A claim older than the store's claim timeout is taken to be abandoned (its process died or
 * hangs) and can be claimed again; the abandoned claim can then no longer release it.
 *
 * <p>Implementations: {@link InMemoryProcessedWebhooks} (one process) and {@link JdbcProcessedWebhooks} (shared by
 * every instance of the receiver).
 */
public interface ProcessedWebhooks {

    enum Status {
        /** Yours: process it, then {@link #done} or {@link #release}. */
        FIRST,
        /** Another delivery of it is being processed: answer so that Paygate tries again later (409). */
        IN_PROGRESS,
        /** Processed already: acknowledge it (200) and do nothing. */
        DONE
    }

    /** What a claim got; {@code token} identifies a {@link Status#FIRST} claim (null otherwise). */
    record Claim(Status status, String token) {

        static final Claim IN_PROGRESS = new Claim(Status.IN_PROGRESS, null);
        static final Claim DONE = new Claim(Status.DONE, null);

        static Claim first() {
            return new Claim(Status.FIRST, java.util.UUID.randomUUID().toString());
        }
    }

    Claim claim(String webhookId);

    /** The webhook was processed: every later delivery of it is {@link Status#DONE}. */
    void done(String webhookId);

    /** Processing failed: the next delivery processes it — unless the claim was taken over meanwhile. */
    void release(String webhookId, String token);
}
