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
        return db.sql("""
                        INSERT INTO events (id, merchant_id, type, created_at, body)
                        VALUES (:id, :merchantId, :type, :created, :body)
                        ON CONFLICT (id) DO NOTHING""")
                .bind("id", change.id())
                .bind("merchantId", change.merchantId())
                .bind("type", change.type().wireName())
                .bind("created", change.time().atOffset(ZoneOffset.UTC))
                .bind("body", body)
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1L);
    }
}
