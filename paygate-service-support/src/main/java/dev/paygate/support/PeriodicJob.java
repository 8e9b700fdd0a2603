package dev.paygate.support;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs a unit of reactive work every {@code interval}, one run at a time, for as long as the application runs.
 * A failed run is logged and the next tick tries again: jobs built on it (session expiry, the refund janitor)
 * change nothing when a run fails, so retrying is always safe.
 */
public abstract class PeriodicJob implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PeriodicJob.class);

    private final String name;
    private final Duration interval;
    private volatile Disposable loop;

    protected PeriodicJob(String name, Duration interval) {
        this.name = name;
        this.interval = interval;
    }

    /** One run; may be called directly too (tests, operators). */
    protected abstract Mono<?> runOnce();

    @Override
    public synchronized void start() {
        loop = Flux.interval(interval)
                .onBackpressureDrop()
                .concatMap(
                        tick -> Mono.defer(this::runOnce).onErrorResume(e -> {
                            log.warn("{} failed, will retry: {}", name, e.toString());
                            return Mono.empty();
                        }),
                        1)
                .subscribe();
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
