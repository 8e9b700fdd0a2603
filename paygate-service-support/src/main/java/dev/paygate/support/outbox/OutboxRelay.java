package dev.paygate.support.outbox;

import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.support.PeriodicJob;
import dev.paygate.support.observability.Traces;
import io.r2dbc.postgresql.codec.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.type.TypeReference;

/**
 * Publishes the outbox to Kafka, in id order, at least once.
 *
 * <p>Latency: a service calls {@link #wakeUp()} right after it commits outbox rows, so the relay publishes
 * at once; the poll interval is only the fallback for rows written by another instance or before a restart.
 * Rows stay in the table until Kafka has acknowledged them, so a crash between send and mark republishes
 * (consumers deduplicate by message id), and a restart picks up whatever was left.
 *
 * <p>Order: one relay per outbox publishes at a time (a transaction-scoped advisory lock), and rows are
 * sent in id order, so messages for one key keep the order in which their transactions committed.
 */
public class OutboxRelay extends PeriodicJob {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {};

    /** Threads of the relay's own for sends that may block, so nothing else can starve them. */
    private static final reactor.core.scheduler.Scheduler SENDS = Schedulers.newBoundedElastic(
            4, Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE, "outbox-relay-send", 60, true);

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final KafkaTemplate<String, byte[]> kafka;
    private final int batchSize;
    private final Duration sendTimeout;

    public OutboxRelay(
            DatabaseClient db,
            TransactionalOperator tx,
            KafkaTemplate<String, byte[]> kafka,
            int batchSize,
            Duration pollInterval,
            Duration sendTimeout) {
        // one drain at start picks up whatever was left before a restart; a failed drain leaves its rows unpublished,
        // and the next signal retries them: nothing is lost
        super("outbox relay", pollInterval, true);
        this.db = db;
        this.tx = tx;
        this.kafka = kafka;
        this.batchSize = batchSize;
        this.sendTimeout = sendTimeout;
    }

    /** Publishes everything that is waiting: the relay's run. {@link #wakeUp()} asks for one now. */
    @Override
    protected Mono<Integer> runOnce() {
        return drain();
    }

    /** Publishes everything that is waiting; emits how many records were sent. */
    public Mono<Integer> drain() {
        return publishBatch()
                .expand(sent -> sent == batchSize ? publishBatch() : Mono.empty())
                .reduce(0, Integer::sum);
    }

    /**
     * One batch in one transaction and one statement: if no other relay holds the outbox's lock, the oldest unpublished
     * rows are marked published and returned; they are sent, and the transaction commits only once Kafka has
     * acknowledged them all. A failed send rolls the mark back, so the rows go out again.
     */
    private Mono<Integer> publishBatch() {
        Mono<Integer> batch = db.sql("""
                        WITH relay AS MATERIALIZED (
                            SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.outbox')) AS locked
                        ), due AS (
                            SELECT id FROM outbox WHERE published_at IS NULL AND (SELECT locked FROM relay)
                            ORDER BY id LIMIT :limit
                        )
                        UPDATE outbox o SET published_at = now() FROM due WHERE o.id = due.id
                        RETURNING o.id, o.topic, o.message_key, o.headers, o.payload, o.traceparent""")
                .bind("limit", batchSize)
                .map(row -> new Pending(
                        row.get("id", Long.class),
                        row.get("topic", String.class),
                        row.get("message_key", String.class),
                        row.get("headers", Json.class).asString(),
                        row.get("payload", String.class),
                        row.get("traceparent", String.class)))
                .all()
                // RETURNING has no order: the rows go to the producer in id order
                .sort(java.util.Comparator.comparingLong(Pending::id))
                .collectList()
                .flatMap(rows -> rows.isEmpty() ? Mono.just(0) : send(rows).thenReturn(rows.size()));
        return tx.transactional(batch);
    }

    private Mono<Void> send(List<Pending> rows) {
        // KafkaTemplate.send may block on metadata: keep it off the R2DBC event loop. Records are handed to
        // the producer in id order; the producer (idempotent) keeps that order per partition.
        return Mono.fromCallable(() -> {
                    List<CompletableFuture<?>> acks = new ArrayList<>(rows.size());
                    for (Pending row : rows) {
                        acks.add(kafka.send(row.toRecord()));
                    }
                    return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
                })
                .subscribeOn(SENDS)
                .flatMap(Mono::fromFuture)
                .timeout(sendTimeout)
                .then();
    }

    @Override
    public int getPhase() {
        // start after the Kafka listener containers' default phase and stop before the producer goes
        return Integer.MAX_VALUE - 100;
    }

    /** How many rows wait to be published (the outbox backlog); one count on the partial index of unpublished rows. */
    public Mono<Long> backlog() {
        return db.sql("SELECT count(*) AS n FROM outbox WHERE published_at IS NULL")
                .map(row -> row.get("n", Long.class))
                .one();
    }

    private record Pending(long id, String topic, String key, String headersJson, String payload, String traceparent) {

        ProducerRecord<String, byte[]> toRecord() {
            ProducerRecord<String, byte[]> record =
                    new ProducerRecord<>(topic, key, payload.getBytes(StandardCharsets.UTF_8));
            PaygateJson.wire()
                    .readValue(headersJson, HEADERS)
                    .forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
            if (traceparent != null) {
                // the trace of the change this row announces goes on with whoever consumes the record
                record.headers().add(Traces.TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
            }
            return record;
        }
    }
}
