package dev.paygate.refund.store;

import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.refund.domain.StoredRefund;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;

/** Refunds in PostgreSQL, through R2DBC. Reads are scoped by merchant. */
@Repository
public class RefundStore {

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
    private static final String COLUMNS = """
            id, payment_id, merchant_id, amount, currency, status, reason, metadata, failure_reason, description,
            bank_reference, version, created_at, updated_at""";

    private final DatabaseClient db;

    public RefundStore(DatabaseClient db) {
        this.db = db;
    }

    /** Emits {@code false} when a refund with this id exists already. */
    public Mono<Boolean> insert(StoredRefund r) {
        return insert(r, null);
    }

    /**
     * The same, remembering the command whose caller waits for the refund's first outcome from the bank
     * ({@code null}: nobody waits here); {@link #recordAll} hands it out once.
     */
    public Mono<Boolean> insert(StoredRefund r, String answerTo) {
        return db.sql("INSERT INTO refunds (" + COLUMNS + """
                        , answer_to) VALUES (:id, :paymentId, :merchantId, :amount, :currency, :status, :reason, :metadata,
                                  :failureReason, :description, :bankReference, :version, :created, :updated, :answerTo)
                        ON CONFLICT (id) DO NOTHING""")
                .bind("answerTo", text(answerTo))
                .bind("id", r.id())
                .bind("paymentId", r.paymentId())
                .bind("merchantId", r.merchantId())
                .bind("amount", r.amount())
                .bind("currency", r.currency())
                .bind("status", r.status())
                .bind("reason", text(r.reason()))
                .bind("metadata", Json.of(PaygateJson.wire().writeValueAsString(r.metadata())))
                .bind("failureReason", text(r.failureReason()))
                .bind("description", text(r.description()))
                .bind("bankReference", text(r.bankReference()))
                .bind("version", r.version())
                .bind("created", r.created().atOffset(ZoneOffset.UTC))
                .bind("updated", r.updated().atOffset(ZoneOffset.UTC))
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1L);
    }

    /**
     * Inserts new refunds in one statement, each with the command whose caller waits for its first outcome
     * ({@code answerTo}, same order; an element may be {@code null}); fails if any of them exists already.
     */
    public Mono<Void> insertAll(List<StoredRefund> refunds, List<String> answerTo) {
        if (refunds.isEmpty()) {
            return Mono.empty();
        }
        int n = refunds.size();
        String[][] text = new String[13][n];
        Long[] amounts = new Long[n];
        Long[] versions = new Long[n];
        for (int i = 0; i < n; i++) {
            StoredRefund r = refunds.get(i);
            text[0][i] = r.id();
            text[1][i] = r.paymentId();
            text[2][i] = r.merchantId();
            text[3][i] = r.currency();
            text[4][i] = r.status();
            text[5][i] = r.reason();
            text[6][i] = PaygateJson.wire().writeValueAsString(r.metadata());
            text[7][i] = r.failureReason();
            text[8][i] = r.description();
            text[9][i] = r.bankReference();
            text[10][i] = r.created().toString();
            text[11][i] = r.updated().toString();
            text[12][i] = answerTo.get(i);
            amounts[i] = r.amount();
            versions[i] = r.version();
        }
        return db.sql("INSERT INTO refunds (" + COLUMNS + """
                        , answer_to)
                        SELECT id, payment_id, merchant_id, amount, currency, status, reason, metadata::jsonb,
                               failure_reason, description, bank_reference, version, created_at::timestamptz,
                               updated_at::timestamptz, answer_to
                        FROM unnest(:ids::text[], :paymentIds::text[], :merchantIds::text[], :amounts::bigint[],
                                    :currencies::text[], :statuses::text[], :reasons::text[], :metadata::text[],
                                    :failureReasons::text[], :descriptions::text[], :bankReferences::text[],
                                    :versions::bigint[], :created::text[], :updated::text[], :answerTo::text[])
                             WITH ORDINALITY AS r(id, payment_id, merchant_id, amount, currency, status, reason, metadata,
                                                  failure_reason, description, bank_reference, version, created_at,
                                                  updated_at, answer_to, position)
                        ORDER BY position
                        ON CONFLICT (id) DO NOTHING""")
                .bind("ids", text[0])
                .bind("paymentIds", text[1])
                .bind("merchantIds", text[2])
                .bind("amounts", amounts)
                .bind("currencies", text[3])
                .bind("statuses", text[4])
                .bind("reasons", text[5])
                .bind("metadata", text[6])
                .bind("failureReasons", text[7])
                .bind("descriptions", text[8])
                .bind("bankReferences", text[9])
                .bind("versions", versions)
                .bind("created", text[10])
                .bind("updated", text[11])
                .bind("answerTo", text[12])
                .fetch()
                .rowsUpdated()
                .flatMap(rows -> rows == n
                        ? Mono.<Void>empty()
                        : Mono.error(new IllegalStateException((n - rows) + " of refunds "
                                + refunds.stream().map(StoredRefund::id).toList() + " exist")));
    }

    /** Writes a transition, refusing a lost update by version. */
    public Mono<Void> update(StoredRefund r, long previousVersion) {
        return db.sql("""
                        UPDATE refunds SET status = :status, failure_reason = :failureReason, bank_reference = :bankReference,
                               version = :version, updated_at = :updated
                        WHERE id = :id AND version = :previousVersion""")
                .bind("status", r.status())
                .bind("failureReason", text(r.failureReason()))
                .bind("bankReference", text(r.bankReference()))
                .bind("version", r.version())
                .bind("updated", r.updated().atOffset(ZoneOffset.UTC))
                .bind("id", r.id())
                .bind("previousVersion", previousVersion)
                .fetch()
                .rowsUpdated()
                .flatMap(rows -> rows == 1L
                        ? Mono.<Void>empty()
                        : Mono.error(new IllegalStateException("concurrent update of refund " + r.id())));
    }

    /**
     * Records the bank's answers about many pending refunds in one statement (ids distinct): each one's new status,
     * or (still pending) its reference and the time of this look. Only a refund still {@code pending} changes, so of
     * two askers only the first records an outcome. Emits, for each refund that records its answer now, the command
     * to answer, if one waited: handed out here once and forgotten. A refund another asker recorded first is not
     * among them.
     */
    public Mono<Map<String, java.util.Optional<String>>> recordAll(List<StoredRefund> next) {
        int n = next.size();
        String[] ids = new String[n];
        String[] statuses = new String[n];
        String[] failureReasons = new String[n];
        String[] bankReferences = new String[n];
        Long[] versions = new Long[n];
        String[] updated = new String[n];
        for (int i = 0; i < n; i++) {
            StoredRefund r = next.get(i);
            ids[i] = r.id();
            statuses[i] = r.status();
            failureReasons[i] = r.failureReason();
            bankReferences[i] = r.bankReference();
            versions[i] = r.version();
            updated[i] = r.updated().toString();
        }
        return db.sql("""
                        UPDATE refunds SET status = v.status, failure_reason = v.failure_reason,
                               bank_reference = v.bank_reference, version = v.version,
                               updated_at = v.updated_at::timestamptz, answer_to = NULL
                        FROM unnest(:ids::text[], :statuses::text[], :failureReasons::text[], :bankReferences::text[],
                                    :versions::bigint[], :updated::text[])
                                 AS v(id, status, failure_reason, bank_reference, version, updated_at)
                             JOIN (SELECT id, answer_to FROM refunds WHERE id = ANY(:ids::text[]) ORDER BY id FOR UPDATE)
                                 AS before ON before.id = v.id
                        WHERE refunds.id = v.id AND refunds.status = 'pending'
                        RETURNING refunds.id, before.answer_to""")
                .bind("ids", ids)
                .bind("statuses", statuses)
                .bind("failureReasons", failureReasons)
                .bind("bankReferences", bankReferences)
                .bind("versions", versions)
                .bind("updated", updated)
                .map(row -> Map.entry(
                        row.get("id", String.class), java.util.Optional.ofNullable(row.get("answer_to", String.class))))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    /** A pending refund with the masked card number the bank needs to execute it. */
    public record Due(StoredRefund refund, String maskedNumber) {}

    /**
     * Claims pending refunds not looked at since {@code before}: marks them looked at {@code now} and emits them, in
     * one short statement that skips rows another instance holds. Another look (here or elsewhere) comes only after
     * the pending age again, and no lock outlives the statement: the bank is asked afterwards.
     */
    public Mono<List<Due>> claimPendingSince(Instant before, Instant now, int limit) {
        return db.sql("UPDATE refunds SET updated_at = :now FROM (SELECT id FROM refunds WHERE status = 'pending' "
                        + "AND updated_at < :before ORDER BY updated_at LIMIT :limit FOR UPDATE SKIP LOCKED) AS due "
                        + "WHERE refunds.id = due.id RETURNING " + prefixed("refunds.") + ", (SELECT masked_number "
                        + "FROM payments p WHERE p.payment_id = refunds.payment_id) AS masked_number")
                .bind("before", before.atOffset(ZoneOffset.UTC))
                .bind("now", now.atOffset(ZoneOffset.UTC))
                .bind("limit", limit)
                .map(row -> new Due(read(row), row.get("masked_number", String.class)))
                .all()
                .collectList();
    }

    private static String prefixed(String table) {
        return java.util.Arrays.stream(COLUMNS.split(","))
                .map(String::strip)
                .map(column -> table + column)
                .collect(java.util.stream.Collectors.joining(", "));
    }

    public Mono<StoredRefund> find(String id, String merchantId) {
        return db.sql("SELECT " + COLUMNS + " FROM refunds WHERE id = :id AND merchant_id = :merchantId")
                .bind("id", id)
                .bind("merchantId", merchantId)
                .map(RefundStore::read)
                .one();
    }

    public Mono<StoredRefund> findForUpdate(String id, String merchantId) {
        return db.sql("SELECT " + COLUMNS + " FROM refunds WHERE id = :id AND merchant_id = :merchantId FOR UPDATE")
                .bind("id", id)
                .bind("merchantId", merchantId)
                .map(RefundStore::read)
                .one();
    }

    /** Newest first; after {@code startingAfter} (a refund id of the same list) when given. */
    public Flux<StoredRefund> list(String paymentId, String merchantId, String startingAfter, int limit) {
        String after = startingAfter == null
                ? ""
                : " AND seq < (SELECT seq FROM refunds WHERE id = :after AND payment_id = :paymentId)";
        var spec = db.sql("SELECT " + COLUMNS
                        + " FROM refunds WHERE payment_id = :paymentId AND merchant_id = :merchantId" + after
                        + " ORDER BY seq DESC LIMIT :limit")
                .bind("paymentId", paymentId)
                .bind("merchantId", merchantId)
                .bind("limit", limit);
        if (startingAfter != null) {
            spec = spec.bind("after", startingAfter);
        }
        return spec.map(RefundStore::read).all();
    }

    /**
     * Pending refunds created before {@code before}, across merchants, the oldest first (the ops console): their age
     * counts from creation, since the janitor's touches move {@code updated_at} on.
     */
    public Mono<List<StoredRefund>> pendingCreatedBefore(Instant before, int limit) {
        return db.sql("SELECT " + COLUMNS + """
                         FROM refunds WHERE status = 'pending' AND created_at < :before
                        ORDER BY created_at, id LIMIT :limit""")
                .bind("before", before.atOffset(ZoneOffset.UTC))
                .bind("limit", limit)
                .map(RefundStore::read)
                .all()
                .collectList();
    }

    /** How many refunds are pending since before {@code before}, across merchants. */
    public Mono<Long> countPendingCreatedBefore(Instant before) {
        return db.sql("SELECT count(*) AS n FROM refunds WHERE status = 'pending' AND created_at < :before")
                .bind("before", before.atOffset(ZoneOffset.UTC))
                .map(row -> row.get("n", Long.class))
                .one();
    }

    private static StoredRefund read(Readable row) {
        return new StoredRefund(
                row.get("id", String.class),
                row.get("payment_id", String.class),
                row.get("merchant_id", String.class),
                row.get("amount", Long.class),
                row.get("currency", String.class),
                row.get("status", String.class),
                row.get("reason", String.class),
                PaygateJson.wire().readValue(row.get("metadata", Json.class).asString(), STRING_MAP),
                row.get("failure_reason", String.class),
                row.get("description", String.class),
                row.get("bank_reference", String.class),
                row.get("version", Long.class),
                row.get("created_at", OffsetDateTime.class).toInstant(),
                row.get("updated_at", OffsetDateTime.class).toInstant());
    }

    private static Parameter text(String value) {
        return Parameter.fromOrEmpty(value, String.class);
    }

    /** How many refunds there are of each status (one grouped count). */
    public Mono<Map<String, Long>> countByStatus() {
        return db.sql("SELECT status, count(*) AS n FROM refunds GROUP BY status")
                .map(row -> Map.entry(row.get("status", String.class), row.get("n", Long.class)))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }
}
