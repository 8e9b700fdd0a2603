package dev.paygate.client.webhooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link ProcessedWebhooks} in this process's memory: for a single instance, or tests. Ids are forgotten after
 * {@code retention} (Paygate retries a webhook for about 28 hours: keep them longer than that), so memory stays bounded
 * by the webhooks of that long.
 */
public final class InMemoryProcessedWebhooks implements ProcessedWebhooks {

    private record State(boolean done, Instant at, String token) {}

    private final Map<String, State> seen = new LinkedHashMap<>(); // oldest first: forgetting stops at the first kept
    private final Duration retention;
    private final Duration claimTimeout;
    private final Clock clock;

    /** Remembers ids for 3 days; a claim not done within 5 minutes is taken to be abandoned. */
    public InMemoryProcessedWebhooks() {
        this(Duration.ofDays(3), Duration.ofMinutes(5), Clock.systemUTC());
    }

    public InMemoryProcessedWebhooks(Duration retention, Duration claimTimeout, Clock clock) {
        this.retention = retention;
        this.claimTimeout = claimTimeout;
        this.clock = clock;
    }

    @Override
    public synchronized Claim claim(String webhookId) {
        Instant now = clock.instant();
        forgetBefore(now.minus(retention));
        State state = seen.get(webhookId);
        if (state != null && state.done()) {
            return Claim.DONE;
        }
        if (state != null && state.at().isAfter(now.minus(claimTimeout))) {
            return Claim.IN_PROGRESS;
        }
        Claim claim = Claim.first();
        put(webhookId, new State(false, now, claim.token()));
        return claim;
    }

    @Override
    public synchronized void done(String webhookId) {
        put(webhookId, new State(true, clock.instant(), null));
    }

    @Override
    public synchronized void release(String webhookId, String token) {
        State state = seen.get(webhookId);
        if (state != null && !state.done() && state.token().equals(token)) {
            seen.remove(webhookId);
        }
    }

    /** How many ids are remembered. */
    public synchronized int size() {
        forgetBefore(clock.instant().minus(retention));
        return seen.size();
    }

    private void put(String webhookId, State state) {
        seen.remove(webhookId); // re-inserted: last in the order, as the newest
        seen.put(webhookId, state);
    }

    private void forgetBefore(Instant cutoff) {
        for (Iterator<State> states = seen.values().iterator(); states.hasNext(); ) {
            if (!states.next().at().isBefore(cutoff)) {
                return;
            }
            states.remove();
        }
    }
}
