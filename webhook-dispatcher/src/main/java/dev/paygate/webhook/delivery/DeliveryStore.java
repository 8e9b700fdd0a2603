package dev.paygate.webhook.delivery;

import java.time.Duration;
import java.time.ZoneOffset;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Deliveries and their attempts in PostgreSQL, through R2DBC. */
@Repository
public class DeliveryStore {

    private final DatabaseClient db;

    public DeliveryStore(DatabaseClient db) {
        this.db = db;
    }

    /** A new pending delivery, due after {@code delay}; a second one for the same event and endpoint is a no-op. */
    public Mono<Boolean> insertPending(String id, String eventId, String endpointId, Duration delay) {
        return db.sql("""
                        INSERT INTO deliveries (id, event_id, endpoint_id, status, attempts, next_attempt_at)
                        VALUES (:id, :eventId, :endpointId, 'pending', 0, now() + make_interval(secs => :delay))
                        ON CONFLICT (event_id, endpoint_id) DO NOTHING""")
                .bind("id", id)
                .bind("eventId", eventId)
                .bind("endpointId", endpointId)
                .bind("delay", seconds(delay))
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1L);
    }

    /**
     * Takes up to {@code limit} due deliveries for {@code lease}. Rows another instance is claiming right now are
     * skipped, and a claimed row is not due again until its lease ends, so no two instances send one attempt at
     * once; a crashed instance's claims become due again by themselves. Deliveries to a disabled endpoint wait.
     */
    public Flux<ClaimedDelivery> claimDue(int limit, Duration lease) {
        return db.sql("""
                        WITH due AS (
                            SELECT d.id FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id
                            WHERE d.status = 'pending' AND d.next_attempt_at <= now()
                              AND (d.locked_until IS NULL OR d.locked_until < now())
                              AND e.status = 'enabled'
                            ORDER BY d.next_attempt_at
                            LIMIT :limit
                            FOR UPDATE OF d SKIP LOCKED
                        ), claimed AS (
                            UPDATE deliveries SET locked_until = now() + make_interval(secs => :lease)
                            FROM due WHERE deliveries.id = due.id
                            RETURNING deliveries.id, deliveries.event_id, deliveries.endpoint_id, deliveries.attempts
                        )
                        SELECT c.id, c.event_id, c.endpoint_id, c.attempts, e.url, e.secret, ev.body,
                               CASE WHEN e.previous_secret_until > now() THEN e.previous_secret END AS previous_secret
                        FROM claimed c
                        JOIN endpoints e ON e.id = c.endpoint_id
                        JOIN events ev ON ev.id = c.event_id""")
                .bind("limit", limit)
                .bind("lease", seconds(lease))
                .map(row -> new ClaimedDelivery(
                        row.get("id", String.class),
                        row.get("event_id", String.class),
                        row.get("endpoint_id", String.class),
                        row.get("attempts", Integer.class),
                        row.get("url", String.class),
                        row.get("secret", String.class),
                        row.get("body", String.class),
                        row.get("previous_secret", String.class)))
                .all();
    }

    /** Appends one attempt to the delivery's history. */
    public Mono<Void> insertAttempt(String deliveryId, AttemptResult result) {
        return db.sql("""
                        INSERT INTO delivery_attempts (delivery_id, attempted_at, status_code, latency_ms, error, response_body)
                        VALUES (:deliveryId, :attemptedAt, :statusCode, :latencyMs, :error, :responseBody)""")
                .bind("deliveryId", deliveryId)
                .bind("attemptedAt", result.attemptedAt().atOffset(ZoneOffset.UTC))
                .bind("statusCode", Parameter.fromOrEmpty(result.statusCode(), Integer.class))
                .bind("latencyMs", result.latencyMs())
                .bind("error", Parameter.fromOrEmpty(result.error(), String.class))
                .bind("responseBody", Parameter.fromOrEmpty(result.responseBody(), String.class))
                .fetch()
                .rowsUpdated()
                .then();
    }

    /**
     * Moves the delivery on after an attempt and ends its lease: {@code pending} again after {@code retryIn}, or
     * final ({@code succeeded}, {@code failed}) when {@code retryIn} is {@code null}. Emits {@code false} when the
     * row had moved on already (the lease ran out and another instance attempted it meanwhile).
     */
    public Mono<Boolean> advance(ClaimedDelivery delivery, String status, Integer statusCode, Duration retryIn) {
        return db.sql("""
                        UPDATE deliveries
                        SET attempts = attempts + 1, status = :status, last_status_code = :statusCode,
                            next_attempt_at = now() + make_interval(secs => :retryIn), locked_until = NULL,
                            updated_at = now()
                        WHERE id = :id AND status = 'pending' AND attempts = :attempts""")
                .bind("status", status)
                .bind("statusCode", Parameter.fromOrEmpty(statusCode, Integer.class))
                .bind("retryIn", Parameter.fromOrEmpty(retryIn == null ? null : seconds(retryIn), Double.class))
                .bind("id", delivery.id())
                .bind("attempts", delivery.attempts())
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1L);
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
