package dev.paygate.webhook.delivery;

import dev.paygate.support.PeriodicJob;
import dev.paygate.webhook.WebhookProperties;
import java.time.Duration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Counts the delivery queue for {@link DeliveryMetrics}, every few seconds (one cheap query on partial indexes). */
@Component
public class DeliveryQueueGauges extends PeriodicJob {

    private final DatabaseClient db;
    private final DeliveryMetrics metrics;

    public DeliveryQueueGauges(DatabaseClient db, DeliveryMetrics metrics, WebhookProperties properties) {
        super(
                "webhook-queue-gauges",
                properties.getPollInterval().compareTo(Duration.ofSeconds(5)) < 0
                        ? Duration.ofSeconds(5)
                        : properties.getPollInterval());
        this.db = db;
        this.metrics = metrics;
    }

    @Override
    protected Mono<?> runOnce() {
        // each count on its partial index, never a scan of all deliveries (most of them succeeded long ago)
        return db.sql("""
                        SELECT (SELECT count(*) FROM deliveries WHERE status = 'pending' AND next_attempt_at <= now()
                                  AND (locked_until IS NULL OR locked_until < now())) AS due,
                               (SELECT count(*) FROM deliveries WHERE status = 'pending') AS pending,
                               (SELECT count(*) FROM deliveries WHERE status = 'failed') AS failed""")
                .map(row -> new long[] {
                    row.get("due", Long.class), row.get("pending", Long.class), row.get("failed", Long.class)
                })
                .one()
                .doOnNext(n -> metrics.queue(n[0], n[1], n[2]));
    }
}
