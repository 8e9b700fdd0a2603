package dev.paygate.refund;

import dev.paygate.contracts.resource.RefundStatus;
import dev.paygate.refund.store.RefundStore;
import dev.paygate.support.PeriodicJob;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * {@code paygate.refunds{status}}: how many refunds are pending, succeeded and failed, counted every few seconds
 * (one grouped count). Pending refunds that pile up mean the acquirer is slow or the janitor is stuck.
 */
@Component
class RefundStatusGauges extends PeriodicJob {

    static final List<String> STATUSES = RefundStatus.wireNames();

    private final RefundStore store;
    private final Map<String, AtomicLong> counts = new LinkedHashMap<>();

    public RefundStatusGauges(RefundStore store, MeterRegistry registry, Environment env) {
        super(
                "refund-status-gauges",
                env.getProperty("paygate.metrics.gauge-interval", Duration.class, Duration.ofSeconds(5)));
        this.store = store;
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
        return store.countByStatus()
                .doOnNext(found -> counts.forEach((status, count) -> count.set(found.getOrDefault(status, 0L))));
    }
}
