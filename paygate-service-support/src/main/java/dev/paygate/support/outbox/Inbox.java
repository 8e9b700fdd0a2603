package dev.paygate.support.outbox;

import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * Insert-first deduplication of consumed messages: the primary key {@code (consumer, message_id)} makes a
 * second insert of the same message a no-op, so a redelivered command is recognised as done. Use it inside
 * the transaction that applies the message.
 */
public class Inbox {

    private final DatabaseClient db;

    public Inbox(DatabaseClient db) {
        this.db = db;
    }

    /** Emits {@code true} if this is the first time {@code consumer} sees {@code messageId}. */
    public Mono<Boolean> firstDelivery(String consumer, String messageId) {
        return db.sql("INSERT INTO inbox (consumer, message_id) VALUES (:consumer, :id) ON CONFLICT DO NOTHING")
                .bind("consumer", consumer)
                .bind("id", messageId)
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1L);
    }

    /** Whether {@code consumer} has applied {@code messageId} already (a read: nothing is recorded). */
    public Mono<Boolean> seen(String consumer, String messageId) {
        return db.sql("SELECT EXISTS (SELECT 1 FROM inbox WHERE consumer = :consumer AND message_id = :id) AS seen")
                .bind("consumer", consumer)
                .bind("id", messageId)
                .map(row -> Boolean.TRUE.equals(row.get("seen", Boolean.class)))
                .one();
    }

    /**
     * Records a poll's messages in one statement; emits the ids {@code consumer} sees for the first time (a
     * redelivered one is not among them).
     */
    public Mono<java.util.Set<String>> firstDeliveries(String consumer, java.util.Collection<String> messageIds) {
        if (messageIds.isEmpty()) {
            return Mono.just(java.util.Set.of());
        }
        return db.sql("""
                        INSERT INTO inbox (consumer, message_id) SELECT :consumer, id FROM unnest(:ids::text[]) AS ids (id)
                        ON CONFLICT DO NOTHING RETURNING message_id""")
                .bind("consumer", consumer)
                .bind("ids", new java.util.LinkedHashSet<>(messageIds).toArray(String[]::new))
                .map(row -> row.get("message_id", String.class))
                .all()
                .collect(java.util.stream.Collectors.toSet());
    }

    /**
     * Forgets {@code messageId} again, in the transaction that saw it first: for a command that changed nothing and
     * failed for a reason that may pass (a 5xx reply: the bank did not answer), so that the same command, sent
     * again under the same id, runs again instead of being taken for done.
     */
    public Mono<Void> forget(String consumer, String messageId) {
        return db.sql("DELETE FROM inbox WHERE consumer = :consumer AND message_id = :id")
                .bind("consumer", consumer)
                .bind("id", messageId)
                .fetch()
                .rowsUpdated()
                .then();
    }
}
