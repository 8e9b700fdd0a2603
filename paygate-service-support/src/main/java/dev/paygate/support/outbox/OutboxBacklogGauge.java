package dev.paygate.support.outbox;

import dev.paygate.support.PeriodicJob;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;

/**
 * {@code paygate.outbox.backlog}: outbox rows not yet published to Kafka, counted every {@code interval} (a gauge
 * can't query a database when it is scraped; the count is an index-only look at unpublished rows). A backlog that
 * grows means Kafka is unreachable or the relay is stuck; every change waits in it.
 */
public class OutboxBacklogGauge extends PeriodicJob {

    private final OutboxRelay relay;
    private final AtomicLong backlog = new AtomicLong();

    public OutboxBacklogGauge(OutboxRelay relay, MeterRegistry registry, Duration interval) {
        super("outbox-backlog-gauge", interval);
        this.relay = relay;
        Gauge.builder("paygate.outbox.backlog", backlog, AtomicLong::get)
                .description("outbox rows waiting to be published to Kafka")
                .register(registry);
    }

    @Override
    public Mono<?> runOnce() {
        return relay.backlog().doOnNext(backlog::set);
    }
}
