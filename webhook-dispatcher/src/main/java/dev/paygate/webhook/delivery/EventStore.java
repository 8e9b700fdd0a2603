package dev.paygate.webhook.delivery;

import dev.paygate.contracts.event.StateChange;
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

    /** An event to record: the change, its webhook body, and the trace it arrived in (may be {@code null}). */
    public record NewEvent(StateChange change, String body, String traceparent) {
    }

    /** A delivery to make of an event to an endpoint, if the event is recorded now. */
    public record NewDelivery(String id, String eventId, String endpointId) {
    }

    /**
     * Records the events and their deliveries in one statement: the events received before are left alone (the event
     * row is the inbox: insert-first dedup), and only the deliveries of events recorded now are made, due after
     * {@code delay}. Emits how many events were new and how many deliveries were made.
     */
    public Mono<EventRecorder.Recorded> insert(java.util.List<NewEvent> events, java.util.List<NewDelivery> deliveries,
                                               java.time.Duration delay) {
        int n = events.size();
        String[] ids = new String[n];
        String[] merchants = new String[n];
        String[] types = new String[n];
        String[] created = new String[n];
        String[] bodies = new String[n];
        String[] traceparents = new String[n];
        for (int i = 0; i < n; i++) {
            StateChange change = events.get(i).change();
            ids[i] = change.id();
            merchants[i] = change.merchantId();
            types[i] = change.type().wireName();
            created[i] = change.time().toString();
            bodies[i] = events.get(i).body();
            traceparents[i] = events.get(i).traceparent();
        }
        return db.sql("""
                        WITH fresh AS (
                            INSERT INTO events (id, merchant_id, type, created_at, body, traceparent)
                            SELECT e.id, e.merchant_id, e.type, e.created_at::timestamptz, e.body, e.traceparent
                            FROM unnest(:ids::text[], :merchants::text[], :types::text[], :created::text[],
                                        :bodies::text[], :traceparents::text[])
                                 WITH ORDINALITY AS e(id, merchant_id, type, created_at, body, traceparent, position)
                            ORDER BY e.position
                            ON CONFLICT (id) DO NOTHING
                            RETURNING id
                        ), fanned AS (
                            INSERT INTO deliveries (id, event_id, endpoint_id, status, attempts, next_attempt_at)
                            SELECT d.id, d.event_id, d.endpoint_id, 'pending', 0,
                                   now() + make_interval(secs => :delay)
                            FROM unnest(:deliveryIds::text[], :deliveryEvents::text[], :deliveryEndpoints::text[])
                                 WITH ORDINALITY AS d(id, event_id, endpoint_id, position)
                                 JOIN fresh f ON f.id = d.event_id
                            ORDER BY d.position
                            ON CONFLICT (event_id, endpoint_id) DO NOTHING
                            RETURNING 1
                        )
                        SELECT (SELECT count(*) FROM fresh) AS fresh, (SELECT count(*) FROM fanned) AS fanned""")
                .bind("ids", ids)
                .bind("merchants", merchants)
                .bind("types", types)
                .bind("created", created)
                .bind("bodies", bodies)
                .bind("traceparents", traceparents)
                .bind("deliveryIds", deliveries.stream().map(NewDelivery::id).toArray(String[]::new))
                .bind("deliveryEvents", deliveries.stream().map(NewDelivery::eventId).toArray(String[]::new))
                .bind("deliveryEndpoints", deliveries.stream().map(NewDelivery::endpointId).toArray(String[]::new))
                .bind("delay", delay.toMillis() / 1000.0)
                .map(row -> new EventRecorder.Recorded(n - row.get("fresh", Long.class), row.get("fanned", Long.class)))
                .one();
    }

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
