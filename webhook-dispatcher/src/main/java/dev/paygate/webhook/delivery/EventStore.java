package dev.paygate.webhook.delivery;

import dev.paygate.contracts.event.StateChange;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** Received events, with their webhook bodies. */
@Repository
class EventStore {

    private final DatabaseClient db;

    public EventStore(DatabaseClient db) {
        this.db = db;
    }

    /** An event to record: the change, its webhook body, and the trace it arrived in (may be {@code null}). */
    public record NewEvent(StateChange change, String body, String traceparent) {}

    /**
     * A delivery to make of an event to an endpoint, if the event is recorded now; {@code leased}: recorded leased to
     * this instance, which sends it at once (it is not due to anyone else until the lease ends).
     */
    public record NewDelivery(String id, String eventId, String endpointId, boolean leased) {}

    /** What {@link #insert} did: how many events had been recorded before, and the ids of the deliveries made. */
    public record Inserted(long duplicates, java.util.Set<String> deliveries) {}

    /**
     * Records the events and their deliveries in one statement: the events received before are left alone (the event
     * row is the inbox: insert-first dedup), and only the deliveries of events recorded now are made, due after
     * {@code delay}, or — those {@code leased} — leased for {@code lease} and due when it ends (the dispatcher that
     * leased them sends them now; should it die, they come due to any instance then).
     */
    public Mono<Inserted> insert(
            java.util.List<NewEvent> events,
            java.util.List<NewDelivery> deliveries,
            java.time.Duration delay,
            java.time.Duration lease) {
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
                            INSERT INTO deliveries (id, event_id, endpoint_id, status, attempts, next_attempt_at,
                                                    locked_until)
                            SELECT d.id, d.event_id, d.endpoint_id, 'pending', 0,
                                   CASE WHEN d.leased THEN now() + make_interval(secs => :lease)
                                        ELSE now() + make_interval(secs => :delay) END,
                                   CASE WHEN d.leased THEN now() + make_interval(secs => :lease) END
                            FROM unnest(:deliveryIds::text[], :deliveryEvents::text[], :deliveryEndpoints::text[],
                                        :deliveryLeased::boolean[])
                                 WITH ORDINALITY AS d(id, event_id, endpoint_id, leased, position)
                                 JOIN fresh f ON f.id = d.event_id
                            ORDER BY d.position
                            ON CONFLICT (event_id, endpoint_id) DO NOTHING
                            RETURNING id
                        )
                        SELECT (SELECT count(*) FROM fresh) AS fresh,
                               (SELECT coalesce(array_agg(id), '{}') FROM fanned) AS fanned""")
                .bind("ids", ids)
                .bind("merchants", merchants)
                .bind("types", types)
                .bind("created", created)
                .bind("bodies", bodies)
                .bind("traceparents", traceparents)
                .bind("deliveryIds", deliveries.stream().map(NewDelivery::id).toArray(String[]::new))
                .bind(
                        "deliveryEvents",
                        deliveries.stream().map(NewDelivery::eventId).toArray(String[]::new))
                .bind(
                        "deliveryEndpoints",
                        deliveries.stream().map(NewDelivery::endpointId).toArray(String[]::new))
                .bind(
                        "deliveryLeased",
                        deliveries.stream().map(NewDelivery::leased).toArray(Boolean[]::new))
                .bind("delay", delay.toMillis() / 1000.0)
                .bind("lease", lease.toMillis() / 1000.0)
                .map(row -> new Inserted(
                        n - row.get("fresh", Long.class), java.util.Set.of(row.get("fanned", String[].class))))
                .one();
    }

    public Mono<java.util.List<String>> list(String merchantId, String type, String startingAfter, int limit) {
        String sql = "SELECT body FROM events WHERE merchant_id = :merchantId"
                + (type == null ? "" : " AND type = :type")
                + (startingAfter == null
                        ? ""
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
                .bind("id", id)
                .bind("merchantId", merchantId)
                .map(row -> row.get("body", String.class))
                .one();
    }
}
