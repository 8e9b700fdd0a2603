package dev.paygate.support.outbox;

import dev.paygate.contracts.json.PaygateJson;
import io.r2dbc.postgresql.codec.Json;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Appends messages to the outbox. Call it inside the transaction that makes the change the messages
 * announce: both commit, or neither does.
 */
public class Outbox {

    private final DatabaseClient db;

    public Outbox(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> append(List<OutboxMessage> messages) {
        return Flux.fromIterable(messages).concatMap(this::append).then();
    }

    public Mono<Void> append(OutboxMessage m) {
        return db.sql("""
                        INSERT INTO outbox (aggregate_type, aggregate_id, type, topic, message_key, headers, payload)
                        VALUES (:aggregateType, :aggregateId, :type, :topic, :key, :headers, :payload)""")
                .bind("aggregateType", m.aggregateType())
                .bind("aggregateId", m.aggregateId())
                .bind("type", m.type())
                .bind("topic", m.topic())
                .bind("key", m.key())
                .bind("headers", Json.of(PaygateJson.wire().writeValueAsString(m.headers())))
                .bind("payload", m.payload())
                .fetch()
                .rowsUpdated()
                .then();
    }

    /**
     * Publishes once more the reply a command got, if it got one: a command that arrives again (the request that
     * sent it was run again, after the gateway that first ran it died) gets the same answer, and nothing else
     * happens. Emits whether there was a reply to send.
     */
    public Mono<Boolean> replayReply(String commandId) {
        return db.sql("""
                        INSERT INTO outbox (aggregate_type, aggregate_id, type, topic, message_key, headers, payload)
                        SELECT aggregate_type, aggregate_id, type, topic, message_key, headers, payload
                        FROM outbox WHERE aggregate_type = 'reply' AND aggregate_id = :commandId
                        ORDER BY id DESC LIMIT 1""")
                .bind("commandId", commandId)
                .fetch()
                .rowsUpdated()
                .map(rows -> rows > 0);
    }
}
