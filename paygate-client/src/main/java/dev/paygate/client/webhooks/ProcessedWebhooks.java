package dev.paygate.client.webhooks;

/**
 * Which webhooks were processed, by {@code webhook-id}: Paygate delivers at least once (a retry after a lost answer, a
 * replay), so the same event can arrive more than once, and must be acted on once. A webhook is claimed before it is
 * processed, and then either {@linkplain #done done} or {@linkplain #release released} (processing failed: the next
 * delivery processes it). A claim older than the store's claim timeout is taken to be abandoned (its process died) and
 * can be claimed again.
 *
 * <p>Implementations: {@link InMemoryProcessedWebhooks} (one process) and {@link JdbcProcessedWebhooks} (shared by
 * every instance of the receiver).
 */
public interface ProcessedWebhooks {

    enum Claim {
        /** Yours: process it, then {@link #done} or {@link #release}. */
        FIRST,
        /** Another delivery of it is being processed: answer so that Paygate tries again later (409). */
        IN_PROGRESS,
        /** Processed already: acknowledge it (200) and do nothing. */
        DONE
    }

    Claim claim(String webhookId);

    void done(String webhookId);

    void release(String webhookId);
}
