package dev.paygate.support;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Runs a unit of reactive work every {@code interval}, and at once when {@linkplain #wakeUp() woken up}, one run at a
 * time, for as long as the application runs. The one loop of its kind: session expiry, the refund janitor, retention,
 * the gauges, the outbox relay and the webhook dispatcher's claims all run on it.
 *
 * <ul>
 *   <li>Signals that arrive during a run are coalesced: however many came, one more run follows it.</li>
 *   <li>{@link #wakeUp()} is cheap and returns at once: the run happens on a scheduler of its own, never on the
 *       caller's thread (a Kafka listener, an event loop finishing a request).</li>
 *   <li>A failed run is logged and the next signal tries again: jobs built on it change nothing when a run fails (or
 *       leave their rows for the next run), so retrying is always safe.</li>
 *   <li>With {@code runAtStart}, one run at start picks up whatever was left before a restart.</li>
 * </ul>
 */
public abstract class PeriodicJob implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PeriodicJob.class);

    /** What asks for a run. */
    protected enum Trigger {
        START,
        WAKE_UP,
        TICK
    }

    private final String name;
    private final Duration interval;
    private final boolean runAtStart;
    private volatile Sinks.Many<Trigger> wakeups = Sinks.many().unicast().onBackpressureBuffer();
    private volatile Disposable loop;

    protected PeriodicJob(String name, Duration interval) {
        this(name, interval, false);
    }

    protected PeriodicJob(String name, Duration interval, boolean runAtStart) {
        this.name = name;
        this.interval = interval;
        this.runAtStart = runAtStart;
    }

    /** One run; may be called directly too (tests, operators). */
    protected abstract Mono<?> runOnce();

    /**
     * A signal arrived (on the signaller's thread, before signals are coalesced): a job that must know that one came,
     * whether or not it gets a run of its own, notes it here. Must be cheap; does nothing by default.
     */
    protected void signalled(Trigger trigger) {}

    /** Ask for a run now; cheap, and coalesced with other signals. Does nothing while the job is stopped. */
    public synchronized void wakeUp() {
        wakeups.tryEmitNext(Trigger.WAKE_UP);
    }

    @Override
    public synchronized void start() {
        wakeups = Sinks.many().unicast().onBackpressureBuffer(); // a unicast sink takes one subscriber
        loop = Flux.merge(
                        runAtStart ? Flux.just(Trigger.START) : Flux.<Trigger>empty(),
                        wakeups.asFlux(),
                        Flux.interval(interval).map(tick -> Trigger.TICK))
                .doOnNext(this::signalled)
                // while a run is on, the latest signal waits and the others are dropped: one more run follows
                .onBackpressureLatest()
                .concatMap(
                        trigger -> Mono.defer(this::runOnce)
                                .subscribeOn(Schedulers.parallel())
                                .onErrorResume(e -> {
                                    log.warn("{} failed, will retry: {}", name, e.toString());
                                    return Mono.empty();
                                }),
                        0) // no prefetch: the next signal is taken only once the run is over
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
        Disposable current = loop;
        return current != null && !current.isDisposed();
    }
}
