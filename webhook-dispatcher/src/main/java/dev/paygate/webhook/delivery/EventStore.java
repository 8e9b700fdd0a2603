package dev.paygate.webhook.delivery;

import dev.paygate.contracts.event.StateChange;
import java.time.ZoneOffset;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** Received events, with their webhook bodies. */
@Repository
public class EventStore {

    private final DatabaseClient db;

    public EventStore(DatabaseClient db) {
        this.db = db;
    }

    /** Emits {@code true} if inserted, {@code false} if this event was received before (insert-first dedup). */
    public Mono<Boolean> insert(StateChange change, String body) {
        return insert(change, body, null);
    }

    /** The same, remembering the trace the event arrived in ({@code traceparent}, may be {@code null}). */
    public Mono<Boolean> insert(StateChange change, String body, String traceparent) {
        return db.sql("""
                        INSERT INTO events (id, merchant_id, type, created_at, body, traceparent)
                        VALUES (:id, :merchantId, :type, :created, :body, :traceparent)
                        ON CONFLICT (id) DO NOTHING""")
                .bind("traceparent", org.springframework.r2dbc.core.Parameter.fromOrEmpty(traceparent, String.class))
                .bind("id", change.id())
                .bind("merchantId", change.merchantId())
                .bind("type", change.type().wireName())
                .bind("created", change.time().atOffset(ZoneOffset.UTC))
                .bind("body", body)
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1L);
    }

    /** The merchant's events, newest first, as their webhook bodies; {@code type} filters, {@code startingAfter} pages. */
    public Mono<java.util.List<String>> list(String merchantId, String type, String startingAfter, int limit) {
        String sql = "SELECT body FROM events WHERE merchant_id = :merchantId"
                + (type == null ? "" : " AND type = :type")
                + (startingAfter == null ? ""
                        : " AND seq < (SELECT seq FROM events WHERE id = :after AND merchant_id = :merchantId)")
                + " ORDER BY seq DESC LIMIT :limit";
        var spec = db.sql(sql).bind("merchantId", merchantId).bind("limit", limit);
        if (type != null) {
            spec = spec.bind("type", type);
        }
        if (startingAfter != null) {
            spec = spec.bind("after", startingAfter);
        }
        return spec.map(row -> row.get("body", String.class)).all().collectList();
    }

    /** One of the merchant's events, as its webhook body. */
    public Mono<String> find(String id, String merchantId) {
        return db.sql("SELECT body FROM events WHERE id = :id AND merchant_id = :merchantId")
                .bind("id", id).bind("merchantId", merchantId)
                .map(row -> row.get("body", String.class)).one();
    }
}
