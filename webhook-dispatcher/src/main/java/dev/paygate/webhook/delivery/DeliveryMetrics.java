package dev.paygate.webhook.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * The dispatcher's delivery metrics (Micrometer): attempts by outcome, attempt latency, and the queue — deliveries
 * due now, pending in all, and failed (the dead letters not yet retried). The queue gauges are refreshed by
 * {@link DeliveryQueueGauges}.
 */
@Component
class DeliveryMetrics {

    private final MeterRegistry registry;
    private final AtomicLong due = new AtomicLong();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("paygate.webhooks.queue", due, AtomicLong::get)
                .tag("state", "due")
                .description("deliveries due for an attempt now")
                .register(registry);
        Gauge.builder("paygate.webhooks.queue", pending, AtomicLong::get)
                .tag("state", "pending")
                .description("deliveries not yet final (due now or later)")
                .register(registry);
        Gauge.builder("paygate.webhooks.dead.letters", failed, AtomicLong::get)
                .description("failed deliveries (on the dead-letter topic, not retried since)")
                .register(registry);
    }

    /**
     * An attempt about to start, by how its delivery came to the senders: {@code handed-over} (fresh, in memory after
     * its commit) or {@code claimed} (by the claim query: a retry, a recovery, or one there was no room for at once).
     */
    void started(String route) {
        Counter.builder("paygate.webhooks.attempts.started")
                .tag("route", route)
                .description("attempts started, by how the delivery reached the senders")
                .register(registry)
                .increment();
    }

    /**
     * One attempt and what it decided.
     *
     * @param outcome {@code succeeded}, {@code retrying}, {@code failed} or {@code gone}
     */
    void attempted(AttemptResult result, String outcome) {
        Counter.builder("paygate.webhooks.attempts")
                .tag("outcome", outcome)
                .description("webhook delivery attempts by what they decided")
                .register(registry)
                .increment();
        Timer.builder("paygate.webhooks.attempt.latency")
                .tag("answer", answerClass(result))
                .description("time from sending to the answer (or to giving up)")
                .register(registry)
                .record(Duration.ofMillis(result.latencyMs()));
    }

    void queue(long dueNow, long pendingAll, long failedAll) {
        due.set(dueNow);
        pending.set(pendingAll);
        failed.set(failedAll);
    }

    private static String answerClass(AttemptResult result) {
        return result.statusCode() == null ? "none" : (result.statusCode() / 100) + "xx";
    }
}
