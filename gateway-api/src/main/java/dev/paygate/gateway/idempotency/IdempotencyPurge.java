package dev.paygate.gateway.idempotency;

import dev.paygate.gateway.GatewayProperties;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Deletes idempotency keys older than {@code paygate.gateway.idempotency-retention}, in small batches so a
 * large backlog never holds many row locks at once. Every instance purges; the deletes are harmless to repeat.
 */
@Component
public class IdempotencyPurge implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyPurge.class);
    static final Duration INTERVAL = Duration.ofMinutes(10);
    static final int BATCH = 1_000;

    private final IdempotencyStore store;
    private final Duration retention;
    private volatile Disposable loop;

    IdempotencyPurge(IdempotencyStore store, GatewayProperties properties) {
        this.store = store;
        this.retention = properties.getIdempotencyRetention();
    }

    /** Deletes every key past the retention; emits how many. */
    public Mono<Long> purge() {
        return store.purge(retention, BATCH)
                .expand(deleted -> deleted == BATCH ? store.purge(retention, BATCH) : Mono.empty())
                .reduce(0L, Long::sum);
    }

    @Override
    public synchronized void start() {
        loop = Flux.interval(Duration.ofMinutes(1), INTERVAL)
                .onBackpressureDrop()
                .concatMap(tick -> purge().onErrorResume(e -> {
                    log.warn("idempotency keys could not be purged, will retry: {}", e.toString());
                    return Mono.just(0L);
                }), 1)
                .subscribe(deleted -> {
                    if (deleted > 0) {
                        log.info("purged {} idempotency keys older than {}", deleted, retention);
                    }
                });
    }

    @Override
    public synchronized void stop() {
        Disposable current = loop;
        if (current != null) {
            current.dispose();
        }
        loop = null;
    }

    @Override
    public boolean isRunning() {
        return loop != null && !loop.isDisposed();
    }
}
