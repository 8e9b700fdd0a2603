package dev.paygate.payment.session.store;

import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.contracts.resource.CustomerDetails;
import dev.paygate.payment.operation.OperationLease;
import dev.paygate.payment.session.domain.StoredSession;
import dev.paygate.support.outbox.ConcurrentChangeException;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Sessions in PostgreSQL, through R2DBC. Every lookup is scoped by merchant. */
@Repository
public class SessionStore {

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
    private static final String COLUMNS = """
            id, merchant_id, amount, currency, customer_details, expires_at, failure_url, success_url, locale,
            merchant_reference_id, metadata, capture_method, status, payment_status, payment_id, version,
            created_at, updated_at""";

    private final DatabaseClient db;
    private final OperationLease operations;
    private final JsonMapper json = PaygateJson.wire();

    public SessionStore(DatabaseClient db) {
        this.db = db;
        this.operations = new OperationLease(db, "sessions", "session");
    }

    /** Emits {@code true} if inserted, {@code false} if a session with this id already exists. */
    public Mono<Boolean> insert(StoredSession s) {
        return db.sql("""
                        INSERT INTO sessions (%s)
                        VALUES (:id, :merchantId, :amount, :currency, :customerDetails, :expiresAt, :failureUrl,
                                :successUrl, :locale, :merchantReferenceId, :metadata, :captureMethod, :status,
                                :paymentStatus, :paymentId, :version, :created, :updated)
                        ON CONFLICT (id) DO NOTHING""".formatted(COLUMNS))
                .bind("id", s.id())
                .bind("merchantId", s.merchantId())
                .bind("amount", s.amount())
                .bind("currency", s.currency())
                .bind("customerDetails", Json.of(json.writeValueAsString(s.customerDetails())))
                .bind("expiresAt", utc(s.expiresAt()))
                .bind("failureUrl", nullable(s.failureUrl()))
                .bind("successUrl", nullable(s.successUrl()))
                .bind("locale", nullable(s.locale()))
                .bind("merchantReferenceId", nullable(s.merchantReferenceId()))
                .bind("metadata", Json.of(json.writeValueAsString(s.metadata())))
                .bind("captureMethod", s.captureMethod())
                .bind("status", s.status())
                .bind("paymentStatus", s.paymentStatus())
                .bind("paymentId", nullable(s.paymentId()))
                .bind("version", s.version())
                .bind("created", utc(s.created()))
                .bind("updated", utc(s.updated()))
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1L);
    }

    public Mono<StoredSession> find(String id, String merchantId) {
        return db.sql("SELECT " + COLUMNS + " FROM sessions WHERE id = :id AND merchant_id = :merchantId")
                .bind("id", id)
                .bind("merchantId", merchantId)
                .map(this::read)
                .one();
    }

    /**
     * A session by its id alone, for the hosted payment page: the id (54 random base58 characters) is the
     * payer's capability, so the page needs no merchant to read it.
     */
    public Mono<StoredSession> findById(String id) {
        return db.sql("SELECT " + COLUMNS + " FROM sessions WHERE id = :id")
                .bind("id", id)
                .map(this::read)
                .one();
    }

    /** Reads and locks the row until the transaction ends, so concurrent changes of one session serialize. */
    public Mono<StoredSession> findForUpdate(String id, String merchantId) {
        return db.sql("SELECT " + COLUMNS + " FROM sessions WHERE id = :id AND merchant_id = :merchantId FOR UPDATE")
                .bind("id", id)
                .bind("merchantId", merchantId)
                .map(this::read)
                .one();
    }

    /** Locks open sessions whose expiry has come, skipping rows another instance holds. */
    public reactor.core.publisher.Flux<StoredSession> lockDueForExpiry(Instant now, int limit) {
        return db.sql("SELECT " + COLUMNS + """
                         FROM sessions WHERE status = 'open' AND expires_at <= :now
                          AND (operation_until IS NULL OR operation_until < now())
                        ORDER BY expires_at LIMIT :limit FOR UPDATE SKIP LOCKED""")
                .bind("now", utc(now))
                .bind("limit", limit)
                .map(this::read)
                .all();
    }

    /** Writes a transition; the version check makes a lost update impossible even without the row lock. */
    public Mono<Void> updateStatus(StoredSession s) {
        return updateStatus(s, null);
    }

    /**
     * The same, by the command that has an operation under way on the session ({@code null}: by none, which is
     * refused while another command's operation is under way).
     */
    public Mono<Void> updateStatus(StoredSession s, String commandId) {
        return db.sql("""
                        UPDATE sessions SET status = :status, payment_status = :paymentStatus, payment_id = :paymentId,
                               version = :version, updated_at = :updated, operation_command = NULL,
                               operation_until = NULL
                        WHERE id = :id AND version = :previousVersion
                          AND (operation_command IS NULL OR operation_until < now()
                               OR operation_command = :command)""")
                .bind("command", commandId == null ? Parameter.empty(String.class) : Parameter.from(commandId))
                .bind("status", s.status())
                .bind("paymentStatus", s.paymentStatus())
                .bind("paymentId", nullable(s.paymentId()))
                .bind("version", s.version())
                .bind("updated", utc(s.updated()))
                .bind("id", s.id())
                .bind("previousVersion", s.version() - 1)
                .fetch()
                .rowsUpdated()
                .flatMap(rows -> rows == 1L
                        ? Mono.<Void>empty()
                        : Mono.error(new ConcurrentChangeException("concurrent update of session " + s.id())));
    }

    /** Begins and ends a command's bank operation on a session ({@link OperationLease}). */
    public Mono<Void> beginOperation(String id, long version, String commandId, java.time.Duration lease) {
        return operations.begin(id, version, commandId, lease);
    }

    public Mono<Void> endOperation(String id, String commandId) {
        return operations.end(id, commandId);
    }

    private StoredSession read(Readable row) {
        return new StoredSession(
                row.get("id", String.class),
                row.get("merchant_id", String.class),
                row.get("amount", Long.class),
                row.get("currency", String.class),
                json.readValue(row.get("customer_details", Json.class).asString(), CustomerDetails.class),
                instant(row.get("expires_at", OffsetDateTime.class)),
                row.get("failure_url", String.class),
                row.get("success_url", String.class),
                row.get("locale", String.class),
                row.get("merchant_reference_id", String.class),
                json.readValue(row.get("metadata", Json.class).asString(), STRING_MAP),
                row.get("capture_method", String.class),
                row.get("status", String.class),
                row.get("payment_status", String.class),
                row.get("payment_id", String.class),
                row.get("version", Long.class),
                instant(row.get("created_at", OffsetDateTime.class)),
                instant(row.get("updated_at", OffsetDateTime.class)));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static org.springframework.r2dbc.core.Parameter nullable(String value) {
        return org.springframework.r2dbc.core.Parameter.fromOrEmpty(value, String.class);
    }
}
