package dev.paygate.support.outbox;

import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.support.observability.Traces;
import io.r2dbc.postgresql.codec.Json;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Appends messages to the outbox. Call it inside the transaction that makes the change the messages
 * announce: both commit, or neither does.
 */
public class Outbox {

    private final DatabaseClient db;
    private final Traces traces;

    public Outbox(DatabaseClient db) {
        this(db, Traces.none());
    }

    /** Rows remember the trace current when they are appended; the relay continues it when it publishes them. */
    public Outbox(DatabaseClient db, Traces traces) {
        this.db = db;
        this.traces = traces;
    }

    public Mono<Void> append(List<OutboxMessage> messages) {
        return Flux.fromIterable(messages).concatMap(this::append).then();
    }

    public Mono<Void> append(OutboxMessage m) {
        return Mono.deferContextual(context -> append(m, traces.traceparent(context)));
    }

    private Mono<Void> append(OutboxMessage m, String traceparent) {
        return db.sql("""
                        INSERT INTO outbox (aggregate_type, aggregate_id, type, topic, message_key, headers, payload,
                                            traceparent)
                        VALUES (:aggregateType, :aggregateId, :type, :topic, :key, :headers, :payload, :traceparent)""")
                .bind("traceparent", Parameter.fromOrEmpty(traceparent, String.class))
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
        // the replayed reply belongs to the trace of the command that arrived again, not to the first one
        return Mono.deferContextual(context -> db.sql("""
                        INSERT INTO outbox (aggregate_type, aggregate_id, type, topic, message_key, headers, payload,
                                            traceparent)
                        SELECT aggregate_type, aggregate_id, type, topic, message_key, headers, payload, :traceparent
                        FROM outbox WHERE aggregate_type = 'reply' AND aggregate_id = :commandId
                        ORDER BY id DESC LIMIT 1""")
                .bind("traceparent", Parameter.fromOrEmpty(traces.traceparent(context), String.class))
                .bind("commandId", commandId)
                .fetch()
                .rowsUpdated()
                .map(rows -> rows > 0));
    }
}
