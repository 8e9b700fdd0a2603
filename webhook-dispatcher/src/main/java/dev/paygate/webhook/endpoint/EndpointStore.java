package dev.paygate.webhook.endpoint;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Endpoints in PostgreSQL, through R2DBC. Every lookup by id is scoped by merchant. */
@Repository
public class EndpointStore {

    private static final String COLUMNS =
            "id, merchant_id, url, description, enabled_events, secret, status, disabled_reason, created_at, updated_at";

    private final DatabaseClient db;

    public EndpointStore(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> insert(StoredEndpoint e) {
        return db.sql("""
                        INSERT INTO endpoints (%s)
                        VALUES (:id, :merchantId, :url, :description, :enabledEvents, :secret, :status, :disabledReason,
                                :created, :updated)""".formatted(COLUMNS))
                .bind("id", e.id())
                .bind("merchantId", e.merchantId())
                .bind("url", e.url())
                .bind("description", Parameter.fromOrEmpty(e.description(), String.class))
                .bind("enabledEvents", e.enabledEvents().toArray(String[]::new))
                .bind("secret", e.secret())
                .bind("status", e.status())
                .bind("disabledReason", Parameter.fromOrEmpty(e.disabledReason(), String.class))
                .bind("created", utc(e.created()))
                .bind("updated", utc(e.updated()))
                .fetch()
                .rowsUpdated()
                .then();
    }

    public Mono<StoredEndpoint> find(String id, String merchantId) {
        return db.sql("SELECT " + COLUMNS + " FROM endpoints WHERE id = :id AND merchant_id = :merchantId"
                        + " AND status <> 'deleted'")
                .bind("id", id)
                .bind("merchantId", merchantId)
                .map(EndpointStore::read)
                .one();
    }

    /** The merchant's endpoints, newest first, after {@code startingAfter} (an endpoint id of this list). */
    public Flux<StoredEndpoint> list(String merchantId, String startingAfter, int limit) {
        String after = startingAfter == null
                ? ""
                : " AND seq < (SELECT seq FROM endpoints WHERE id = :after AND merchant_id = :merchantId)";
        var spec = db.sql(
                        "SELECT " + COLUMNS + " FROM endpoints WHERE merchant_id = :merchantId AND status <> 'deleted'"
                                + after + " ORDER BY seq DESC LIMIT :limit")
                .bind("merchantId", merchantId)
                .bind("limit", limit);
        if (startingAfter != null) {
            spec = spec.bind("after", startingAfter);
        }
        return spec.map(EndpointStore::read).all();
    }

    /**
     * Gives the endpoint a new secret; the old one keeps signing beside it for {@code overlap}. Emits the endpoint
     * with its new secret, or nothing when there is no such endpoint.
     */
    public Mono<StoredEndpoint> rotateSecret(
            String id, String merchantId, String newSecret, java.time.Duration overlap) {
        return db.sql("""
                        UPDATE endpoints SET previous_secret = secret,
                               previous_secret_until = now() + make_interval(secs => :overlap),
                               secret = :secret, updated_at = now()
                        WHERE id = :id AND merchant_id = :merchantId AND status <> 'deleted'
                        RETURNING\s""" + COLUMNS)
                .bind("overlap", (double) overlap.toSeconds())
                .bind("secret", newSecret)
                .bind("id", id)
                .bind("merchantId", merchantId)
                .map(EndpointStore::read)
                .one();
    }

    /**
     * Applies a merchant's change: each field that is set replaces the stored one; {@code disabled} disables it
     * ({@code requested}) or enables it again, which also forgets its failing streak. Emits the endpoint as it now
     * is, or nothing when there is no such endpoint.
     */
    public Mono<StoredEndpoint> update(String id, String merchantId, UpdateEndpointRequest change) {
        return db.sql("""
                        UPDATE endpoints SET url = coalesce(:url, url),
                               enabled_events = coalesce(:enabledEvents, enabled_events),
                               description = CASE WHEN :setDescription THEN :description ELSE description END,
                               status = CASE WHEN :disabled IS NULL THEN status
                                             WHEN :disabled THEN 'disabled' ELSE 'enabled' END,
                               disabled_reason = CASE WHEN :disabled IS NULL THEN disabled_reason
                                                      WHEN :disabled THEN 'requested' END,
                               failing_since = CASE WHEN :disabled IS NULL THEN failing_since END,
                               updated_at = now()
                        WHERE id = :id AND merchant_id = :merchantId AND status <> 'deleted'
                        RETURNING\s""" + COLUMNS)
                .bind("url", Parameter.fromOrEmpty(change.url(), String.class))
                .bind(
                        "enabledEvents",
                        change.enabledEvents() == null
                                ? Parameter.empty(String[].class)
                                : Parameter.from(change.enabledEvents().toArray(String[]::new)))
                .bind("setDescription", change.description() != null)
                .bind("description", Parameter.fromOrEmpty(change.description(), String.class))
                .bind("disabled", Parameter.fromOrEmpty(change.disabled(), Boolean.class))
                .bind("id", id)
                .bind("merchantId", merchantId)
                .map(EndpointStore::read)
                .one();
    }

    /**
     * After a failed attempt: starts the endpoint's failing streak if none is running, and disables it when the
     * streak is older than {@code disableAfter}. Emits {@code true} when this disabled it.
     */
    public Mono<Boolean> failed(String endpointId, java.time.Duration disableAfter) {
        // one statement, reading the streak as it was before this failure (SET sees the row's old values)
        return db.sql("""
                        UPDATE endpoints SET failing_since = coalesce(failing_since, now()),
                               status = CASE WHEN failing_since <= now() - make_interval(secs => :after)
                                             THEN 'disabled' ELSE status END,
                               disabled_reason = CASE WHEN failing_since <= now() - make_interval(secs => :after)
                                                      THEN 'failing' ELSE disabled_reason END
                        WHERE id = :id AND status = 'enabled'
                        RETURNING status""")
                .bind("id", endpointId)
                .bind("after", disableAfter.toMillis() / 1000.0)
                .map(row -> "disabled".equals(row.get("status", String.class)))
                .one()
                .defaultIfEmpty(false);
    }

    /** The endpoint answered {@code 410 Gone}: it is disabled until the merchant enables it again. */
    public Mono<Boolean> gone(String endpointId) {
        return db.sql("""
                        UPDATE endpoints SET status = 'disabled', disabled_reason = 'gone', updated_at = now()
                        WHERE id = :id AND status = 'enabled'""").bind("id", endpointId).fetch().rowsUpdated().map(rows -> rows == 1L);
    }

    /** Marks the endpoint deleted; emits whether it existed (and was not deleted already). */
    public Mono<Boolean> delete(String id, String merchantId) {
        return db.sql("""
                        UPDATE endpoints SET status = 'deleted', updated_at = now()
                        WHERE id = :id AND merchant_id = :merchantId AND status <> 'deleted'""")
                .bind("id", id)
                .bind("merchantId", merchantId)
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1L);
    }

    /**
     * An enabled endpoint of a merchant, the event types it takes ({@link EndpointRequests#ALL_EVENTS}: all), and what
     * it takes to send to it: its URL, its secret, and the one before the last rotation while that still signs.
     */
    public record Subscription(
            String endpointId,
            String merchantId,
            List<String> enabledEvents,
            String url,
            String secret,
            String previousSecret) {

        public boolean takes(String eventType) {
            return enabledEvents.contains(eventType) || enabledEvents.contains(EndpointRequests.ALL_EVENTS);
        }

        /** Leaves out the secrets and the URL (it may carry credentials). */
        @Override
        public String toString() {
            return "Subscription[endpointId=" + endpointId + ", merchantId=" + merchantId + ", enabledEvents="
                    + enabledEvents + "]";
        }
    }

    /** The enabled endpoints of these merchants, in one statement, by id. */
    public Flux<Subscription> subscriptions(java.util.Collection<String> merchantIds) {
        return db.sql("""
                        SELECT id, merchant_id, enabled_events, url, secret,
                               CASE WHEN previous_secret_until > now() THEN previous_secret END AS previous_secret
                        FROM endpoints
                        WHERE merchant_id = ANY(:merchants::text[]) AND status = 'enabled'
                        ORDER BY id""")
                .bind("merchants", merchantIds.toArray(String[]::new))
                .map(row -> new Subscription(
                        row.get("id", String.class),
                        row.get("merchant_id", String.class),
                        List.of(row.get("enabled_events", String[].class)),
                        row.get("url", String.class),
                        row.get("secret", String.class),
                        row.get("previous_secret", String.class)))
                .all();
    }

    private static StoredEndpoint read(Readable row) {
        return new StoredEndpoint(
                row.get("id", String.class),
                row.get("merchant_id", String.class),
                row.get("url", String.class),
                row.get("description", String.class),
                List.of(row.get("enabled_events", String[].class)),
                row.get("secret", String.class),
                row.get("status", String.class),
                row.get("disabled_reason", String.class),
                row.get("created_at", OffsetDateTime.class).toInstant(),
                row.get("updated_at", OffsetDateTime.class).toInstant());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
