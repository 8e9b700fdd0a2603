package dev.paygate.gateway.idempotency;

import java.time.Duration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * The {@code idempotency_keys} table. Every change of a row is conditional on it still being {@code in_flight}
 * for the same request, so a late reply, the request itself and a retry can race without undoing each other.
 * Times are the database's, the same for every gateway instance.
 */
@Repository
class IdempotencyStore {

    /** A row as a retry sees it; {@code lockExpired}: the gateway that claimed it stopped working on it. */
    record Row(String requestHash, boolean done, boolean lockExpired, StoredAnswer answer) {}

    private final DatabaseClient db;

    IdempotencyStore(DatabaseClient db) {
        this.db = db;
    }

    /** Takes the key for this request, {@code in_flight}; emits false if the key is taken already. */
    Mono<Boolean> claim(Claim claim, Duration lock) {
        return db.sql("""
                        INSERT INTO idempotency_keys (merchant_id, idempotency_key, request_hash, status, locked_until)
                        VALUES (:merchant, :key, :hash, 'in_flight', now() + make_interval(secs => :lock))
                        ON CONFLICT (merchant_id, idempotency_key) DO NOTHING""")
                .bind("merchant", claim.merchantId())
                .bind("key", claim.key())
                .bind("hash", claim.requestHash())
                .bind("lock", seconds(lock))
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1L);
    }

    /**
     * Takes over a key whose request was abandoned ({@code in_flight}, lock passed): emits true for the one retry
     * that gets it, which then runs the request again under a fresh lock.
     */
    Mono<Boolean> takeOver(Claim claim, Duration lock) {
        return db.sql("""
                        UPDATE idempotency_keys SET locked_until = now() + make_interval(secs => :lock)
                        WHERE merchant_id = :merchant AND idempotency_key = :key AND request_hash = :hash
                          AND status = 'in_flight' AND locked_until < now()""")
                .bind("lock", seconds(lock))
                .bind("merchant", claim.merchantId())
                .bind("key", claim.key())
                .bind("hash", claim.requestHash())
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1L);
    }

    Mono<Row> find(Claim claim) {
        return db.sql("""
                        SELECT request_hash, status, response_status, response_content_type, response_body,
                               locked_until < now() AS lock_expired
                        FROM idempotency_keys WHERE merchant_id = :merchant AND idempotency_key = :key""")
                .bind("merchant", claim.merchantId())
                .bind("key", claim.key())
                .map(row -> {
                    boolean done = "done".equals(row.get("status", String.class));
                    return new Row(
                            row.get("request_hash", String.class),
                            done,
                            Boolean.TRUE.equals(row.get("lock_expired", Boolean.class)),
                            done
                                    ? new StoredAnswer(
                                            row.get("response_status", Integer.class),
                                            row.get("response_content_type", String.class),
                                            row.get("response_body", String.class))
                                    : null);
                })
                .one();
    }

    /**
     * Stores the final answer. {@code commandId}, when given, must be the row's command (or the row has none
     * yet): a late reply never completes a row that another request has claimed since.
     */
    Mono<Boolean> complete(Claim claim, String commandId, StoredAnswer answer) {
        DatabaseClient.GenericExecuteSpec spec =
                db.sql("""
                        UPDATE idempotency_keys SET status = 'done', response_status = :status,
                               response_content_type = :contentType, response_body = :body, completed_at = now()
                        WHERE merchant_id = :merchant AND idempotency_key = :key AND request_hash = :hash
                          AND status = 'in_flight' AND (CAST(:command AS TEXT) IS NULL OR command_id IS NULL
                                                        OR command_id = :command)""").bind("status", answer.status()).bind("body", answer.body());
        spec = answer.contentType() == null
                ? spec.bindNull("contentType", String.class)
                : spec.bind("contentType", answer.contentType());
        return bindRow(spec, claim, commandId).fetch().rowsUpdated().map(rows -> rows == 1L);
    }

    /** After a 202: the row stays {@code in_flight}, naming the command whose late reply will complete it. */
    Mono<Boolean> awaitLateReply(Claim claim, String commandId, Duration lock) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("""
                        UPDATE idempotency_keys SET command_id = :command,
                               locked_until = now() + make_interval(secs => :lock)
                        WHERE merchant_id = :merchant AND idempotency_key = :key AND request_hash = :hash
                          AND status = 'in_flight'""").bind("lock", seconds(lock));
        spec = spec.bind("merchant", claim.merchantId())
                .bind("key", claim.key())
                .bind("hash", claim.requestHash());
        spec = commandId == null ? spec.bindNull("command", String.class) : spec.bind("command", commandId);
        return spec.fetch().rowsUpdated().map(rows -> rows == 1L);
    }

    /** Frees the key after a 5xx or a failure, so a retry runs again; a completed row is left alone. */
    Mono<Boolean> release(Claim claim, String commandId) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("""
                DELETE FROM idempotency_keys
                WHERE merchant_id = :merchant AND idempotency_key = :key AND request_hash = :hash
                  AND status = 'in_flight' AND (CAST(:command AS TEXT) IS NULL OR command_id IS NULL
                                                OR command_id = :command)""");
        return bindRow(spec, claim, commandId).fetch().rowsUpdated().map(rows -> rows == 1L);
    }

    /**
     * Deletes up to {@code batch} keys first used longer ago than {@code retention}: answered ones, and
     * unfinished ones whose lock has passed too. Emits how many.
     */
    private static DatabaseClient.GenericExecuteSpec bindRow(
            DatabaseClient.GenericExecuteSpec spec, Claim claim, String commandId) {
        spec = spec.bind("merchant", claim.merchantId())
                .bind("key", claim.key())
                .bind("hash", claim.requestHash());
        return commandId == null ? spec.bindNull("command", String.class) : spec.bind("command", commandId);
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
