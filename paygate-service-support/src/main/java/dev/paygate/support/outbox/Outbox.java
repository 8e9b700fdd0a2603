package dev.paygate.support.outbox;

import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.support.observability.Traces;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
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

    /** Appends the messages in order, in one statement, in the trace current when it is called. */
    public Mono<Void> append(List<OutboxMessage> messages) {
        return traced(messages).flatMap(this::insert);
    }

    public Mono<Void> append(OutboxMessage m) {
        return append(List.of(m));
    }

    /** A message with the trace it is to be published in. */
    public record Traced(OutboxMessage message, String traceparent) {}

    /** The messages with the trace current now: to {@link #insert} later, with others, in one statement. */
    public Mono<List<Traced>> traced(List<OutboxMessage> messages) {
        return Mono.deferContextual(context -> {
            String traceparent = traces.traceparent(context);
            return Mono.just(
                    messages.stream().map(m -> new Traced(m, traceparent)).toList());
        });
    }

    /** Appends all of them, in order, with one multi-row statement (however many: one round trip). */
    public Mono<Void> insert(List<Traced> rows) {
        if (rows.isEmpty()) {
            return Mono.empty();
        }
        int n = rows.size();
        String[] aggregateTypes = new String[n];
        String[] aggregateIds = new String[n];
        String[] types = new String[n];
        String[] topics = new String[n];
        String[] keys = new String[n];
        String[] headers = new String[n];
        String[] payloads = new String[n];
        String[] traceparents = new String[n];
        for (int i = 0; i < n; i++) {
            OutboxMessage m = rows.get(i).message();
            aggregateTypes[i] = m.aggregateType();
            aggregateIds[i] = m.aggregateId();
            types[i] = m.type();
            topics[i] = m.topic();
            keys[i] = m.key();
            headers[i] = PaygateJson.wire().writeValueAsString(m.headers());
            payloads[i] = m.payload();
            traceparents[i] = rows.get(i).traceparent();
        }
        return db.sql("""
                        INSERT INTO outbox (aggregate_type, aggregate_id, type, topic, message_key, headers, payload,
                                            traceparent)
                        SELECT aggregate_type, aggregate_id, type, topic, message_key, headers::jsonb, payload, traceparent
                        FROM unnest(:aggregateTypes::text[], :aggregateIds::text[], :types::text[], :topics::text[],
                                    :keys::text[], :headers::text[], :payloads::text[], :traceparents::text[])
                             WITH ORDINALITY AS m(aggregate_type, aggregate_id, type, topic, message_key, headers, payload,
                                                  traceparent, position)
                        ORDER BY position""")
                .bind("aggregateTypes", aggregateTypes)
                .bind("aggregateIds", aggregateIds)
                .bind("types", types)
                .bind("topics", topics)
                .bind("keys", keys)
                .bind("headers", headers)
                .bind("payloads", payloads)
                .bind("traceparents", traceparents)
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
