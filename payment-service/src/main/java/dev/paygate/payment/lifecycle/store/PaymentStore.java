package dev.paygate.payment.lifecycle.store;

import dev.paygate.contracts.command.CardDetails;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.contracts.resource.CustomerDetails;
import dev.paygate.contracts.resource.Payment;
import dev.paygate.payment.lifecycle.domain.StoredPayment;
import dev.paygate.payment.operation.OperationLease;
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

/** Payments in PostgreSQL, through R2DBC. Every lookup is scoped by merchant. */
@Repository
public class PaymentStore {

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
    private static final String COLUMNS = """
            id, merchant_id, transaction_id, amount, amount_capturable, amount_received, amount_refunded, amount_canceled,
            currency,
            capture_method, status, card, authorization_id, customer_details, description, merchant_customer_id,
            metadata, return_url, payment_method_options, setup_future_usage, cancellation_reason, canceled_at,
            last_payment_error, version, created_at, updated_at""";

    private final DatabaseClient db;
    private final OperationLease operations;
    private final JsonMapper json = PaygateJson.wire();

    public PaymentStore(DatabaseClient db) {
        this.db = db;
        this.operations = new OperationLease(db, "payments", "payment");
    }

    /** Emits {@code true} if inserted, {@code false} if the id or transaction id exists already. */
    public Mono<Boolean> insert(StoredPayment p, String sessionId) {
        return db.sql("""
                        INSERT INTO payments (%s, session_id, captured_at)
                        VALUES (:id, :merchantId, :transactionId, :amount, :amountCapturable, :amountReceived,
                                :amountRefunded, :amountCanceled, :currency, :captureMethod, :status, :card, :authorizationId,
                                :customerDetails, :description, :merchantCustomerId, :metadata, :returnUrl,
                                :paymentMethodOptions, :setupFutureUsage, :cancellationReason, :canceledAt,
                                :lastPaymentError, :version, :created, :updated, :sessionId, :capturedAt)
                        ON CONFLICT DO NOTHING""".formatted(COLUMNS))
                .bind("id", p.id())
                .bind("merchantId", p.merchantId())
                .bind("transactionId", p.transactionId())
                .bind("amount", p.amount())
                .bind("amountCapturable", p.amountCapturable())
                .bind("amountReceived", p.amountReceived())
                .bind("amountRefunded", p.amountRefunded())
                .bind("amountCanceled", p.amountCanceled())
                .bind("currency", p.currency())
                .bind("captureMethod", p.captureMethod())
                .bind("status", p.status())
                .bind("card", jsonOrNull(p.card()))
                .bind("authorizationId", text(p.authorizationId()))
                .bind("customerDetails", Json.of(json.writeValueAsString(p.customerDetails())))
                .bind("description", text(p.description()))
                .bind("merchantCustomerId", text(p.merchantCustomerId()))
                .bind("metadata", Json.of(json.writeValueAsString(p.metadata())))
                .bind("returnUrl", text(p.returnUrl()))
                .bind("paymentMethodOptions", Json.of(json.writeValueAsString(p.paymentMethodOptions())))
                .bind("setupFutureUsage", jsonOrNull(p.setupFutureUsage()))
                .bind("cancellationReason", text(p.cancellationReason()))
                .bind("canceledAt", time(p.canceledAt()))
                .bind("lastPaymentError", jsonOrNull(p.lastPaymentError()))
                .bind("version", p.version())
                .bind("created", p.created().atOffset(ZoneOffset.UTC))
                .bind("updated", p.updated().atOffset(ZoneOffset.UTC))
                .bind("sessionId", text(sessionId))
                .bind(
                        "capturedAt",
                        time(dev.paygate.contracts.resource.Payment.SUCCEEDED.equals(p.status()) ? p.updated() : null))
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1L);
    }

    /** The payment whose secupay transaction id is {@code transactionId}, for that merchant. */
    public Mono<StoredPayment> findByTransactionId(String transactionId, String merchantId) {
        return db.sql("SELECT " + COLUMNS + " FROM payments WHERE transaction_id = :tid AND merchant_id = :merchantId")
                .bind("tid", transactionId)
                .bind("merchantId", merchantId)
                .map(this::read)
                .one();
    }

    /** The payment {@code id} made for session {@code sessionId} of that merchant (empty when it is another's). */
    public Mono<StoredPayment> findOfSession(String id, String sessionId, String merchantId) {
        return db.sql("SELECT " + COLUMNS
                        + " FROM payments WHERE id = :id AND session_id = :sessionId AND merchant_id = :merchantId")
                .bind("id", id)
                .bind("sessionId", sessionId)
                .bind("merchantId", merchantId)
                .map(this::read)
                .one();
    }

    public Mono<StoredPayment> find(String id, String merchantId) {
        return db.sql("SELECT " + COLUMNS + " FROM payments WHERE id = :id AND merchant_id = :merchantId")
                .bind("id", id)
                .bind("merchantId", merchantId)
                .map(this::read)
                .one();
    }

    /** Locks a payment whatever its merchant (for changes driven by other services' events). */
    public Mono<StoredPayment> findForUpdate(String id) {
        return db.sql("SELECT " + COLUMNS + " FROM payments WHERE id = :id FOR UPDATE")
                .bind("id", id)
                .map(this::read)
                .one();
    }

    /** Reads and locks the row until the transaction ends: changes of one payment never overlap. */
    public Mono<StoredPayment> findForUpdate(String id, String merchantId) {
        return db.sql("SELECT " + COLUMNS + " FROM payments WHERE id = :id AND merchant_id = :merchantId FOR UPDATE")
                .bind("id", id)
                .bind("merchantId", merchantId)
                .map(this::read)
                .one();
    }

    /** Writes a transition; the version check refuses a lost update even if a lock was missed. */
    public Mono<Void> update(StoredPayment p, long previousVersion) {
        return update(p, previousVersion, null);
    }

    /**
     * The same, by the command that has an operation under way on the payment ({@code null}: by none); refused
     * ({@link ConcurrentChangeException}) while another command's operation is under way.
     */
    public Mono<Void> update(StoredPayment p, long previousVersion, String commandId) {
        return db.sql("""
                        UPDATE payments SET amount_capturable = :amountCapturable, amount_received = :amountReceived,
                               amount_refunded = :amountRefunded, amount_canceled = :amountCanceled,
                               captured_at = CASE WHEN :status = 'succeeded' THEN coalesce(captured_at, :updated)
                                                  ELSE captured_at END,
                               status = :status, card = :card, authorization_id = :authorizationId,
                               cancellation_reason = :cancellationReason, canceled_at = :canceledAt,
                               last_payment_error = :lastPaymentError, version = :version, updated_at = :updated,
                               operation_command = NULL, operation_until = NULL
                        WHERE id = :id AND version = :previousVersion
                          AND (operation_command IS NULL OR operation_until < now() OR operation_command = :command)""")
                .bind("command", commandId == null ? Parameter.empty(String.class) : Parameter.from(commandId))
                .bind("amountCapturable", p.amountCapturable())
                .bind("amountReceived", p.amountReceived())
                .bind("amountRefunded", p.amountRefunded())
                .bind("amountCanceled", p.amountCanceled())
                .bind("status", p.status())
                .bind("card", jsonOrNull(p.card()))
                .bind("authorizationId", text(p.authorizationId()))
                .bind("cancellationReason", text(p.cancellationReason()))
                .bind("canceledAt", time(p.canceledAt()))
                .bind("lastPaymentError", jsonOrNull(p.lastPaymentError()))
                .bind("version", p.version())
                .bind("updated", p.updated().atOffset(ZoneOffset.UTC))
                .bind("id", p.id())
                .bind("previousVersion", previousVersion)
                .fetch()
                .rowsUpdated()
                .flatMap(rows -> rows == 1L
                        ? Mono.<Void>empty()
                        : Mono.error(new ConcurrentChangeException("concurrent update of payment " + p.id())));
    }

    /** Reads and locks these payments until the transaction ends, in id order (two such readers never deadlock). */
    public reactor.core.publisher.Flux<StoredPayment> findAllForUpdate(java.util.Collection<String> ids) {
        return db.sql("SELECT " + COLUMNS + " FROM payments WHERE id = ANY(:ids::text[]) ORDER BY id FOR UPDATE")
                .bind("ids", ids.toArray(String[]::new))
                .map(this::read)
                .all();
    }

    /**
     * Writes the refunded amounts of many payments in one statement, each checked against the version before it
     * ({@code version - 1}), as {@link #update(StoredPayment, long)} does one; refused
     * ({@link ConcurrentChangeException}) unless every one is written.
     */
    public Mono<Void> updateRefunded(java.util.List<StoredPayment> next) {
        if (next.isEmpty()) {
            return Mono.empty();
        }
        return db.sql("""
                        UPDATE payments p SET amount_refunded = v.amount_refunded, version = v.version,
                               updated_at = v.updated_at::timestamptz, operation_command = NULL, operation_until = NULL
                        FROM unnest(:ids::text[], :refunded::bigint[], :versions::bigint[], :updated::text[])
                             AS v(id, amount_refunded, version, updated_at)
                        WHERE p.id = v.id AND p.version = v.version - 1
                          AND (p.operation_command IS NULL OR p.operation_until < now())""")
                .bind("ids", next.stream().map(StoredPayment::id).toArray(String[]::new))
                .bind(
                        "refunded",
                        next.stream().map(StoredPayment::amountRefunded).toArray(Long[]::new))
                .bind("versions", next.stream().map(StoredPayment::version).toArray(Long[]::new))
                .bind("updated", next.stream().map(n -> n.updated().toString()).toArray(String[]::new))
                .fetch()
                .rowsUpdated()
                .flatMap(rows -> rows == next.size()
                        ? Mono.<Void>empty()
                        : Mono.error(new ConcurrentChangeException(
                                "concurrent update of " + (next.size() - rows) + " of payments "
                                        + next.stream().map(StoredPayment::id).toList())));
    }

    /** Begins and ends a command's bank operation on a payment ({@link OperationLease}). */
    public Mono<Void> beginOperation(String id, long version, String commandId, java.time.Duration lease) {
        return operations.begin(id, version, commandId, lease);
    }

    public Mono<Void> endOperation(String id, String commandId) {
        return operations.end(id, commandId);
    }

    private StoredPayment read(Readable row) {
        return new StoredPayment(
                row.get("id", String.class),
                row.get("merchant_id", String.class),
                row.get("transaction_id", String.class),
                row.get("amount", Long.class),
                row.get("amount_capturable", Long.class),
                row.get("amount_received", Long.class),
                row.get("amount_refunded", Long.class),
                row.get("amount_canceled", Long.class),
                row.get("currency", String.class),
                row.get("capture_method", String.class),
                row.get("status", String.class),
                fromJson(row.get("card", Json.class), CardDetails.class),
                row.get("authorization_id", String.class),
                fromJson(row.get("customer_details", Json.class), CustomerDetails.class),
                row.get("description", String.class),
                row.get("merchant_customer_id", String.class),
                json.readValue(row.get("metadata", Json.class).asString(), STRING_MAP),
                row.get("return_url", String.class),
                fromJson(row.get("payment_method_options", Json.class), Payment.PaymentMethodOptions.class),
                fromJson(row.get("setup_future_usage", Json.class), Payment.SetupFutureUsage.class),
                row.get("cancellation_reason", String.class),
                instant(row.get("canceled_at", OffsetDateTime.class)),
                fromJson(row.get("last_payment_error", Json.class), Payment.PaymentError.class),
                row.get("version", Long.class),
                instant(row.get("created_at", OffsetDateTime.class)),
                instant(row.get("updated_at", OffsetDateTime.class)));
    }

    private <T> T fromJson(Json value, Class<T> type) {
        return value == null ? null : json.readValue(value.asString(), type);
    }

    private Parameter jsonOrNull(Object value) {
        return value == null ? Parameter.empty(Json.class) : Parameter.from(Json.of(json.writeValueAsString(value)));
    }

    private static Parameter text(String value) {
        return Parameter.fromOrEmpty(value, String.class);
    }

    private static Parameter time(Instant instant) {
        return instant == null
                ? Parameter.empty(OffsetDateTime.class)
                : Parameter.from(instant.atOffset(ZoneOffset.UTC));
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
