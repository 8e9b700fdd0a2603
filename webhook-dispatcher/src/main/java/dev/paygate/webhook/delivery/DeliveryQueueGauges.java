package dev.paygate.webhook.delivery;

import dev.paygate.support.PeriodicJob;
import dev.paygate.webhook.WebhookProperties;
import java.time.Duration;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Counts the delivery queue for {@link DeliveryMetrics}, every few seconds (one cheap query on partial indexes). */
@Component
class DeliveryQueueGauges extends PeriodicJob {

    private final DeliveryStore store;
    private final DeliveryMetrics metrics;

    public DeliveryQueueGauges(DeliveryStore store, DeliveryMetrics metrics, WebhookProperties properties) {
        super(
                "webhook-queue-gauges",
                properties.getPollInterval().compareTo(Duration.ofSeconds(5)) < 0
                        ? Duration.ofSeconds(5)
                        : properties.getPollInterval());
        this.store = store;
        this.metrics = metrics;
    }

    @Override
    protected Mono<?> runOnce() {
        return store.queueCounts().doOnNext(n -> metrics.queue(n.due(), n.pending(), n.failed()));
    }
}
