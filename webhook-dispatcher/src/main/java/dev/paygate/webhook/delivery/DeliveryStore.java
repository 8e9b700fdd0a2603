package dev.paygate.webhook.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Deliveries and their attempts in PostgreSQL, through R2DBC. */
@Repository
class DeliveryStore {

    /** At most how many of the earliest due deliveries one claim looks at (four per free slot, at least 100). */
    static final int CLAIM_WINDOW = 2000;

    private final DatabaseClient db;

    public DeliveryStore(DatabaseClient db) {
        this.db = db;
    }

    /**
     * Takes up to {@code limit} due deliveries for {@code lease}, and never more than {@code perEndpoint} in flight to
     * one endpoint (counting the leases already out), so a slow or dead endpoint can't take every slot. Rows another
     * instance is claiming right now are skipped, and a claimed row is not due again until its lease ends, so no two
     * instances send one attempt at once; a crashed instance's claims become due again by themselves. Deliveries to
     * a disabled endpoint wait.
     */
    public Flux<ClaimedDelivery> claimDue(int limit, int perEndpoint, Duration lease) {
        return db.sql("""
                        WITH busy AS (
                            SELECT endpoint_id, count(*) AS n FROM deliveries
                            WHERE status = 'pending' AND locked_until > now()
                            GROUP BY endpoint_id
                        ), earliest AS (
                            -- a bounded window of the earliest due rows: a claim's work doesn't grow with the backlog
                            SELECT d.id, d.endpoint_id, d.next_attempt_at
                            FROM deliveries d
                            JOIN endpoints e ON e.id = d.endpoint_id
                            WHERE d.status = 'pending' AND d.next_attempt_at <= now()
                              AND (d.locked_until IS NULL OR d.locked_until < now())
                              AND e.status = 'enabled'
                            ORDER BY d.next_attempt_at
                            LIMIT :window
                        ), candidates AS (
                            SELECT w.id, w.next_attempt_at,
                                   row_number() OVER (PARTITION BY w.endpoint_id ORDER BY w.next_attempt_at)
                                       + coalesce(b.n, 0) AS slot
                            FROM earliest w
                            LEFT JOIN busy b ON b.endpoint_id = w.endpoint_id
                        ), due AS (
                            SELECT d.id FROM deliveries d JOIN candidates c ON c.id = d.id
                            WHERE c.slot <= :perEndpoint
                            ORDER BY c.next_attempt_at
                            LIMIT :limit
                            FOR UPDATE OF d SKIP LOCKED
                        ), claimed AS (
                            UPDATE deliveries SET locked_until = now() + make_interval(secs => :lease)
                            FROM due WHERE deliveries.id = due.id
                            RETURNING deliveries.id, deliveries.event_id, deliveries.endpoint_id, deliveries.attempts
                        )
                        SELECT c.id, c.event_id, c.endpoint_id, c.attempts, e.url, e.secret, ev.body, ev.type,
                               ev.merchant_id, ev.traceparent,
                               CASE WHEN e.previous_secret_until > now() THEN e.previous_secret END AS previous_secret
                        FROM claimed c
                        JOIN endpoints e ON e.id = c.endpoint_id
                        JOIN events ev ON ev.id = c.event_id""")
                .bind("limit", limit)
                .bind("perEndpoint", perEndpoint)
                .bind("window", Math.max(100, Math.min(CLAIM_WINDOW, limit * 4)))
                .bind("lease", seconds(lease))
                .map(row -> new ClaimedDelivery(
                        row.get("id", String.class),
                        row.get("event_id", String.class),
                        row.get("endpoint_id", String.class),
                        row.get("attempts", Integer.class),
                        row.get("url", String.class),
                        row.get("secret", String.class),
                        row.get("body", String.class),
                        row.get("previous_secret", String.class),
                        row.get("type", String.class),
                        row.get("merchant_id", String.class),
                        row.get("traceparent", String.class)))
                .all();
    }

    /**
     * Records an attempt and moves the delivery on after it, in one statement (atomic without a transaction around
     * it): the attempt always; the delivery only if it is still as claimed — {@code pending} again after
     * {@code retryIn}, or final ({@code succeeded}, {@code failed}) when {@code retryIn} is {@code null}, its lease
     * ended; and, when {@code endsFailingStreak} and the delivery moved, the endpoint's failing streak, if it had one
     * (no write when it had none). Emits {@code false} when the row had moved on already (the lease ran out and
     * another instance attempted it meanwhile).
     */
    public Mono<Boolean> recordAttempt(
            ClaimedDelivery delivery,
            AttemptResult result,
            String status,
            Duration retryIn,
            boolean endsFailingStreak) {
        return db.sql("""
                        WITH attempt AS (
                            INSERT INTO delivery_attempts (delivery_id, attempted_at, status_code, latency_ms, error,
                                                           response_body)
                            VALUES (:id, :attemptedAt, :statusCode, :latencyMs, :error, :responseBody)
                        ), moved AS (
                            UPDATE deliveries
                            SET attempts = attempts + 1, status = :status, last_status_code = :statusCode,
                                next_attempt_at = now() + make_interval(secs => :retryIn), locked_until = NULL,
                                updated_at = now()
                            WHERE id = :id AND status = 'pending' AND attempts = :attempts
                            RETURNING endpoint_id
                        ), healed AS (
                            UPDATE endpoints SET failing_since = NULL
                            WHERE :endsFailingStreak AND failing_since IS NOT NULL
                              AND id IN (SELECT endpoint_id FROM moved)
                        )
                        SELECT count(*) AS moved FROM moved""")
                .bind("id", delivery.id())
                .bind("attemptedAt", result.attemptedAt().atOffset(ZoneOffset.UTC))
                .bind("statusCode", Parameter.fromOrEmpty(result.statusCode(), Integer.class))
                .bind("latencyMs", result.latencyMs())
                .bind("error", Parameter.fromOrEmpty(result.error(), String.class))
                .bind("responseBody", Parameter.fromOrEmpty(result.responseBody(), String.class))
                .bind("status", status)
                .bind("retryIn", Parameter.fromOrEmpty(retryIn == null ? null : seconds(retryIn), Double.class))
                .bind("attempts", delivery.attempts())
                .bind("endsFailingStreak", endsFailingStreak)
                .map(row -> row.get("moved", Long.class) == 1L)
                .one();
    }

    private static final String VIEW = """
            SELECT d.id, d.endpoint_id, d.event_id, ev.type, d.status, d.next_attempt_at, d.last_status_code,
                   d.created_at, d.updated_at, d.seq
            FROM deliveries d
            JOIN endpoints e ON e.id = d.endpoint_id
            JOIN events ev ON ev.id = d.event_id
            WHERE e.merchant_id = :merchantId AND e.status <> 'deleted'""";

    /** The endpoint's deliveries, newest first, after {@code startingAfter} (a delivery id of this list). */
    public Mono<List<DeliveryView>> listForEndpoint(
            String endpointId, String merchantId, String status, String startingAfter, int limit) {
        String sql = VIEW + " AND d.endpoint_id = :endpointId"
                + (status == null ? "" : " AND d.status = :status")
                + (startingAfter == null ? "" : " AND d.seq < (SELECT seq FROM deliveries WHERE id = :after)")
                + " ORDER BY d.seq DESC LIMIT :limit";
        var spec = db.sql(sql)
                .bind("merchantId", merchantId)
                .bind("endpointId", endpointId)
                .bind("limit", limit);
        if (status != null) {
            spec = spec.bind("status", status);
        }
        if (startingAfter != null) {
            spec = spec.bind("after", startingAfter);
        }
        return spec.map(DeliveryStore::readView).all().collectList().flatMap(this::withAttempts);
    }

    /** One delivery of the merchant's, with its attempts. */
    public Mono<DeliveryView> find(String deliveryId, String merchantId) {
        return db.sql(VIEW + " AND d.id = :id")
                .bind("merchantId", merchantId)
                .bind("id", deliveryId)
                .map(DeliveryStore::readView)
                .all()
                .collectList()
                .flatMap(this::withAttempts)
                .flatMap(found -> found.isEmpty() ? Mono.empty() : Mono.just(found.get(0)));
    }

    /**
     * Sends a delivery again, whatever its status: due now, with one more attempt beyond the schedule when it had
     * used them all (a failure then fails it again, and dead-letters it again). A pending delivery just becomes due;
     * an attempt in flight keeps its lease. Emits whether the merchant has such a delivery.
     */
    public Mono<Boolean> retry(String deliveryId, String merchantId) {
        return db.sql("""
                        UPDATE deliveries d
                        SET next_attempt_at = CASE WHEN d.status = 'pending' THEN least(d.next_attempt_at, now()) ELSE now() END,
                            status = 'pending', updated_at = now()
                        FROM endpoints e
                        WHERE d.id = :id AND e.id = d.endpoint_id AND e.merchant_id = :merchantId AND e.status <> 'deleted'""")
                .bind("id", deliveryId)
                .bind("merchantId", merchantId)
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1L);
    }

    /** Every failed delivery of the endpoint created at or after {@code since} is due again now; emits how many. */
    public Mono<Long> recover(String endpointId, Instant since) {
        return db.sql("""
                        UPDATE deliveries SET status = 'pending', next_attempt_at = now(), updated_at = now()
                        WHERE endpoint_id = :endpointId AND status = 'failed' AND created_at >= :since""")
                .bind("endpointId", endpointId)
                .bind("since", since.atOffset(ZoneOffset.UTC))
                .fetch()
                .rowsUpdated();
    }

    /** Fills in each delivery's attempts, with one query for the page (results collected before the next query). */
    private Mono<List<DeliveryView>> withAttempts(List<DeliveryView> page) {
        if (page.isEmpty()) {
            return Mono.just(page);
        }
        return db.sql("""
                        SELECT delivery_id, attempted_at, status_code, latency_ms, error, response_body
                        FROM delivery_attempts WHERE delivery_id = ANY(:ids) ORDER BY attempted_at, id""")
                .bind("ids", page.stream().map(DeliveryView::id).toArray(String[]::new))
                .map(row -> Map.entry(
                        row.get("delivery_id", String.class),
                        new DeliveryView.Attempt(
                                row.get("attempted_at", OffsetDateTime.class)
                                        .toInstant()
                                        .truncatedTo(ChronoUnit.SECONDS),
                                row.get("status_code", Integer.class),
                                row.get("latency_ms", Long.class),
                                row.get("error", String.class),
                                row.get("response_body", String.class))))
                .all()
                .collectList()
                .map(attempts -> {
                    Map<String, List<DeliveryView.Attempt>> byDelivery = new HashMap<>();
                    attempts.forEach(a -> byDelivery
                            .computeIfAbsent(a.getKey(), k -> new ArrayList<>())
                            .add(a.getValue()));
                    return page.stream()
                            .map(d -> new DeliveryView(
                                    d.id(),
                                    d.endpointId(),
                                    d.eventId(),
                                    d.eventType(),
                                    d.status(),
                                    d.nextAttemptAt(),
                                    d.lastStatusCode(),
                                    d.created(),
                                    d.updated(),
                                    List.copyOf(byDelivery.getOrDefault(d.id(), List.of()))))
                            .toList();
                });
    }

    private static DeliveryView readView(io.r2dbc.spi.Readable row) {
        String status = row.get("status", String.class);
        OffsetDateTime next = row.get("next_attempt_at", OffsetDateTime.class);
        return new DeliveryView(
                row.get("id", String.class),
                row.get("endpoint_id", String.class),
                row.get("event_id", String.class),
                row.get("type", String.class),
                status,
                DeliveryDecision.PENDING.equals(status) && next != null
                        ? next.toInstant().truncatedTo(ChronoUnit.SECONDS)
                        : null,
                row.get("last_status_code", Integer.class),
                row.get("created_at", OffsetDateTime.class).toInstant().truncatedTo(ChronoUnit.SECONDS),
                row.get("updated_at", OffsetDateTime.class).toInstant().truncatedTo(ChronoUnit.SECONDS),
                List.of());
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    /** The queue as the gauges show it: deliveries due now, pending, failed. */
    record QueueCounts(long due, long pending, long failed) {}

    /** Counts the queue; each count on its partial index, never a scan of all deliveries (most succeeded long ago). */
    Mono<QueueCounts> queueCounts() {
        return db.sql("""
                        SELECT (SELECT count(*) FROM deliveries WHERE status = 'pending' AND next_attempt_at <= now()
                                  AND (locked_until IS NULL OR locked_until < now())) AS due,
                               (SELECT count(*) FROM deliveries WHERE status = 'pending') AS pending,
                               (SELECT count(*) FROM deliveries WHERE status = 'failed') AS failed""")
                .map(row -> new QueueCounts(
                        row.get("due", Long.class), row.get("pending", Long.class), row.get("failed", Long.class)))
                .one();
    }
}
