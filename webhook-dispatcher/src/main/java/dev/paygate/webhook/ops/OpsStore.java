package dev.paygate.webhook.ops;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * Operator-wide reads for the ops console, across every merchant: events by type, failing endpoints, dead letters.
 * Nothing here reads an endpoint's secret or an event's body.
 */
@Repository
class OpsStore {

    private final DatabaseClient db;

    public OpsStore(DatabaseClient db) {
        this.db = db;
    }

    /** Events received per type whose state change happened within {@code window}, most frequent first. */
    public Mono<Map<String, Long>> eventCounts(Duration window) {
        return db.sql("""
                        SELECT type, count(*) AS n FROM events
                        WHERE created_at > now() - make_interval(secs => :window)
                        GROUP BY type ORDER BY n DESC, type""")
                .bind("window", (double) window.toSeconds())
                .map(row -> Map.entry(row.get("type", String.class), row.get("n", Long.class)))
                .all()
                .collectList()
                .map(entries -> {
                    Map<String, Long> counts = new LinkedHashMap<>();
                    entries.forEach(e -> counts.put(e.getKey(), e.getValue()));
                    return counts;
                });
    }

    /**
     * Endpoints (not deleted) that are disabled for failing or being gone, are failing right now, or had a failed
     * attempt (no answer, or an answer other than 2xx) within {@code window}; the most recently failing first.
     */
    public Mono<List<Map<String, Object>>> failingEndpoints(Duration window, int limit) {
        return db.sql("""
                        WITH recent AS (
                            SELECT d.endpoint_id, count(*) AS failed, max(a.attempted_at) AS last_failure_at
                            FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
                            WHERE a.attempted_at > now() - make_interval(secs => :window)
                              AND (a.status_code IS NULL OR a.status_code NOT BETWEEN 200 AND 299)
                            GROUP BY d.endpoint_id
                        )
                        SELECT e.id, e.merchant_id, e.url, e.status, e.disabled_reason, e.failing_since,
                               coalesce(r.failed, 0) AS failed, r.last_failure_at,
                               (SELECT count(*) FROM deliveries f WHERE f.endpoint_id = e.id AND f.status = 'failed')
                                   AS dead_letters,
                               (SELECT a.status_code FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
                                WHERE d.endpoint_id = e.id ORDER BY a.attempted_at DESC, a.id DESC LIMIT 1)
                                   AS last_status_code,
                               (SELECT a.error FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
                                WHERE d.endpoint_id = e.id ORDER BY a.attempted_at DESC, a.id DESC LIMIT 1)
                                   AS last_error
                        FROM endpoints e LEFT JOIN recent r ON r.endpoint_id = e.id
                        WHERE e.status <> 'deleted'
                          AND (r.endpoint_id IS NOT NULL OR e.failing_since IS NOT NULL
                               OR e.disabled_reason IN ('failing', 'gone'))
                        ORDER BY coalesce(r.last_failure_at, e.failing_since, e.updated_at) DESC, e.id
                        LIMIT :limit""")
                .bind("window", (double) window.toSeconds())
                .bind("limit", limit)
                .map(row -> {
                    Map<String, Object> endpoint = new LinkedHashMap<>();
                    endpoint.put("id", row.get("id", String.class));
                    endpoint.put("merchantId", row.get("merchant_id", String.class));
                    endpoint.put("url", row.get("url", String.class));
                    endpoint.put("status", row.get("status", String.class));
                    endpoint.put("disabledReason", row.get("disabled_reason", String.class));
                    endpoint.put("failingSince", time(row.get("failing_since", OffsetDateTime.class)));
                    endpoint.put("failedAttempts", row.get("failed", Long.class));
                    endpoint.put("lastFailureAt", time(row.get("last_failure_at", OffsetDateTime.class)));
                    endpoint.put("lastStatusCode", row.get("last_status_code", Integer.class));
                    endpoint.put("lastError", row.get("last_error", String.class));
                    endpoint.put("deadLetters", row.get("dead_letters", Long.class));
                    return endpoint;
                })
                .all()
                .collectList();
    }

    /** Dead-lettered deliveries (status {@code failed}) of endpoints not deleted, the most recent first. */
    public Mono<List<Map<String, Object>>> deadLetters(int limit) {
        return db.sql("""
                        SELECT d.id, e.merchant_id, d.endpoint_id, e.url, e.status AS endpoint_status, d.event_id,
                               ev.type, d.attempts, d.last_status_code, d.created_at, d.updated_at
                        FROM deliveries d
                        JOIN endpoints e ON e.id = d.endpoint_id
                        JOIN events ev ON ev.id = d.event_id
                        WHERE d.status = 'failed' AND e.status <> 'deleted'
                        ORDER BY d.updated_at DESC, d.id
                        LIMIT :limit""")
                .bind("limit", limit)
                .map(row -> {
                    Map<String, Object> letter = new LinkedHashMap<>();
                    letter.put("id", row.get("id", String.class));
                    letter.put("merchantId", row.get("merchant_id", String.class));
                    letter.put("endpointId", row.get("endpoint_id", String.class));
                    letter.put("endpointUrl", row.get("url", String.class));
                    letter.put("endpointStatus", row.get("endpoint_status", String.class));
                    letter.put("eventId", row.get("event_id", String.class));
                    letter.put("eventType", row.get("type", String.class));
                    letter.put("attempts", row.get("attempts", Integer.class));
                    letter.put("lastStatusCode", row.get("last_status_code", Integer.class));
                    letter.put("created", time(row.get("created_at", OffsetDateTime.class)));
                    letter.put("failedAt", time(row.get("updated_at", OffsetDateTime.class)));
                    return letter;
                })
                .all()
                .collectList();
    }

    private static Instant time(OffsetDateTime t) {
        return t == null ? null : t.toInstant().truncatedTo(ChronoUnit.SECONDS);
    }
}
