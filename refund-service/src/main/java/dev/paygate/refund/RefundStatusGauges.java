package dev.paygate.refund;

import dev.paygate.support.PeriodicJob;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.core.env.Environment;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * {@code paygate.refunds{status}}: how many refunds are pending, succeeded and failed, counted every few seconds
 * (one grouped count). Pending refunds that pile up mean the acquirer is slow or the janitor is stuck.
 */
@Component
public class RefundStatusGauges extends PeriodicJob {

    static final List<String> STATUSES = List.of("pending", "succeeded", "failed");

    private final DatabaseClient db;
    private final Map<String, AtomicLong> counts = new LinkedHashMap<>();

    public RefundStatusGauges(DatabaseClient db, MeterRegistry registry, Environment env) {
        super(
                "refund-status-gauges",
                env.getProperty("paygate.metrics.gauge-interval", Duration.class, Duration.ofSeconds(5)));
        this.db = db;
        for (String status : STATUSES) {
            AtomicLong count = new AtomicLong();
            counts.put(status, count);
            Gauge.builder("paygate.refunds", count, AtomicLong::get)
                    .tag("status", status)
                    .description("refunds by status")
                    .register(registry);
        }
    }

    @Override
    public Mono<?> runOnce() {
        return db.sql("SELECT status, count(*) AS n FROM refunds GROUP BY status")
                .map(row -> Map.entry(row.get("status", String.class), row.get("n", Long.class)))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .doOnNext(found -> counts.forEach((status, count) -> count.set(found.getOrDefault(status, 0L))));
    }
}
