package dev.paygate.support.retention;

import dev.paygate.support.PeriodicJob;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Deletes what is past its {@link RetentionRule}, every {@code interval}, on every instance of a service.
 *
 * <p>Each batch is one statement that locks at most {@code batchSize} of the oldest rows past the window with
 * {@code FOR UPDATE SKIP LOCKED} and deletes them: it never waits for a row the hot path holds, instances purging at
 * once take different rows, and no statement runs long. A run takes at most {@code maxBatches} batches per table, so
 * a large backlog is worked off over several runs. Rules run in their list order (children before the rows they
 * refer to).
 *
 * <p>A rule for a table that deduplicates Kafka records is checked against the broker first
 * ({@link RedeliveryWindowCheck}): at start-up, where a window too short stops the service; if the broker cannot be
 * asked then, before the rule's first purge, and the rule waits until it can.
 *
 * <p>Metrics, per table: {@code paygate.retention.purged.rows} (counter) and {@code paygate.retention.oldest.age}
 * (seconds, the oldest row as of the last run: bounded by the window plus the interval while purging keeps up).
 */
public class Retention extends PeriodicJob {

    private static final Logger log = LoggerFactory.getLogger(Retention.class);

    private final DatabaseClient db;
    private final List<RetentionRule> rules;
    private final int batchSize;
    private final int maxBatches;
    private final RedeliveryWindowCheck check;
    private final Map<RetentionRule, Counter> purged = new LinkedHashMap<>();
    private final Map<RetentionRule, AtomicReference<Double>> oldest = new LinkedHashMap<>();
    private final Set<RetentionRule> verified = ConcurrentHashMap.newKeySet();

    public Retention(
            DatabaseClient db,
            List<RetentionRule> rules,
            int batchSize,
            int maxBatches,
            Duration interval,
            RedeliveryWindowCheck check,
            MeterRegistry registry) {
        super("retention", interval);
        this.db = db;
        this.rules = List.copyOf(rules);
        this.batchSize = batchSize;
        this.maxBatches = maxBatches;
        this.check = check;
        for (RetentionRule rule : this.rules) {
            purged.put(
                    rule,
                    Counter.builder("paygate.retention.purged.rows")
                            .tag("table", rule.table())
                            .description("rows deleted because they were past their retention window")
                            .register(registry));
            AtomicReference<Double> age = new AtomicReference<>(0.0);
            oldest.put(rule, age);
            Gauge.builder("paygate.retention.oldest.age", age, AtomicReference::get)
                    .tag("table", rule.table())
                    .baseUnit("seconds")
                    .description("age of the table's oldest row, as of the last purge")
                    .register(registry);
        }
    }

    public List<RetentionRule> rules() {
        return rules;
    }

    /** Checks every deduplicating rule against the broker, then starts purging. A window too short stops start-up. */
    @Override
    public synchronized void start() {
        for (RetentionRule rule : rules) {
            try {
                verify(rule);
            } catch (RedeliveryWindowCheck.RetentionMisconfiguredException e) {
                throw e;
            } catch (RuntimeException e) {
                log.warn(
                        "retention of {} not checked against the broker yet, it waits until it is: {}",
                        rule.table(),
                        e.getMessage());
            }
        }
        super.start();
    }

    /**
     * Before the Kafka listener containers, the outbox relay and the web server: a service whose inbox window a
     * redelivery could outlive stops before it has consumed, published or answered anything.
     */
    @Override
    public int getPhase() {
        return 0;
    }

    /** One run: every rule in order, then each table's oldest row. */
    @Override
    public Mono<Map<String, Long>> runOnce() {
        Map<String, Long> counts = new LinkedHashMap<>();
        return Flux.fromIterable(rules)
                .concatMap(rule -> purgeIfChecked(rule)
                        .doOnNext(n -> counts.merge(rule.table(), n, Long::sum))
                        .then(measure(rule)))
                .then(Mono.fromSupplier(() -> counts));
    }

    /** Deletes every row of {@code rule}'s table past its window (at most {@code maxBatches} batches); emits how many. */
    public Mono<Long> purge(RetentionRule rule) {
        if (rule.keepsForever()) {
            return Mono.just(0L);
        }
        return batch(rule)
                .expand(n -> n == batchSize ? batch(rule) : Mono.empty())
                .take(maxBatches)
                .reduce(0L, Long::sum)
                .doOnNext(n -> {
                    if (n > 0) {
                        log.debug("purged {} rows of {} older than {}", n, rule.table(), rule.window());
                    }
                });
    }

    private Mono<Long> purgeIfChecked(RetentionRule rule) {
        Mono<Boolean> checked = rule.redeliveredFrom().isEmpty() || verified.contains(rule)
                ? Mono.just(true)
                : Mono.fromCallable(() -> {
                            verify(rule);
                            return true;
                        })
                        .subscribeOn(Schedulers.boundedElastic()) // the Kafka Admin client blocks
                        .onErrorResume(e -> {
                            // not known to be safe: its rows stay until the broker confirms the window
                            log.error("not purging {}: {}", rule.table(), e.getMessage());
                            return Mono.just(false);
                        });
        return checked.flatMap(ok -> ok
                ? purge(rule).onErrorResume(e -> {
                    log.warn("could not purge {}, will retry: {}", rule.table(), e.toString());
                    return Mono.just(0L);
                })
                : Mono.just(0L));
    }

    private void verify(RetentionRule rule) {
        if (rule.redeliveredFrom().isEmpty() || rule.keepsForever() || verified.contains(rule)) {
            return;
        }
        check.verify(rule);
        verified.add(rule);
    }

    private Mono<Long> batch(RetentionRule rule) {
        return db.sql(rule.purgeSql())
                .bind("window", (double) rule.window().toSeconds())
                .bind("limit", batchSize)
                .map(row -> row.get("n", Long.class))
                .one()
                .doOnNext(n -> purged.get(rule).increment(n));
    }

    private Mono<Void> measure(RetentionRule rule) {
        return db.sql(rule.oldestSql())
                .map(row -> java.util.Optional.ofNullable(row.get("age", Double.class)))
                .one()
                .doOnNext(age -> oldest.get(rule).set(age.orElse(0.0)))
                .then();
    }
}
