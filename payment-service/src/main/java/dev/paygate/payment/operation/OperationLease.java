package dev.paygate.payment.operation;

import dev.paygate.support.outbox.ConcurrentChangeException;
import java.time.Duration;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * The bank operation a command has under way on a row ({@code operation_command}, {@code operation_until}) of
 * {@code payments} or {@code sessions}: recorded in a statement of its own (auto-commit) before the bank is called,
 * so the call holds no transaction and no lock, yet another command for the row waits until the operation is
 * recorded or its lease has run out. The writes that record the outcome clear it.
 */
public final class OperationLease {

    private final DatabaseClient db;
    private final String table;
    private final String what;

    /** @param table {@code payments} or {@code sessions} (a constant, never input) */
    public OperationLease(DatabaseClient db, String table, String what) {
        this.db = db;
        this.table = table;
        this.what = what;
    }

    /**
     * Records {@code commandId}'s operation on the row as read at {@code version}, for at most {@code lease}. Refused
     * ({@link ConcurrentChangeException}) when the row moved on since it was read, or another command's operation is
     * under way; the same command may take its own operation up again.
     */
    public Mono<Void> begin(String id, long version, String commandId, Duration lease) {
        return db.sql("UPDATE " + table + """
                         SET operation_command = :command,
                               operation_until = now() + make_interval(secs => :leaseSeconds)
                        WHERE id = :id AND version = :version
                          AND (operation_command IS NULL OR operation_command = :command OR operation_until < now())""")
                .bind("command", commandId)
                .bind("leaseSeconds", (double) lease.toMillis() / 1000)
                .bind("id", id)
                .bind("version", version)
                .fetch()
                .rowsUpdated()
                .flatMap(rows -> rows == 1L
                        ? Mono.<Void>empty()
                        : Mono.error(new ConcurrentChangeException(
                                what + " " + id + " changed, or has another operation under way")));
    }

    /** The operation of {@code commandId} ended without changing the row (the bank could not be reached, a decline). */
    public Mono<Void> end(String id, String commandId) {
        return db.sql("UPDATE " + table + " SET operation_command = NULL, operation_until = NULL"
                        + " WHERE id = :id AND operation_command = :command")
                .bind("id", id)
                .bind("command", commandId)
                .fetch()
                .rowsUpdated()
                .then();
    }
}
