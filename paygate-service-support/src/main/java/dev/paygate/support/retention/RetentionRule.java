package dev.paygate.support.retention;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How long one table's rows are kept: a row whose {@code ageColumn} is older than {@code window} (and that meets
 * {@code condition}, if one is given) is deleted by {@link Retention}, in batches. A window of zero keeps rows for
 * ever.
 *
 * @param table            the table, in the service's own schema
 * @param ageColumn        the time the window counts from; an index on it keeps each batch and the oldest-row look-up
 *                         cheap. Rows where it is {@code NULL} (an outbox row not yet published) are never purged
 * @param key              the table's primary key columns, comma-separated
 * @param condition        what else a row must meet to go (SQL over the table's columns), or {@code null}
 * @param window           how long a row is kept after its {@code ageColumn}
 * @param redeliveredFrom  the topics whose records this table deduplicates: its rows must outlive any record of them
 *                         (checked against the broker by {@link RedeliveryWindowCheck} before the first purge); empty
 *                         when the table deduplicates nothing
 */
public record RetentionRule(
        String table, String ageColumn, String key, String condition, Duration window, List<String> redeliveredFrom) {

    private static final Pattern IDENTIFIERS = Pattern.compile("[a-z_][a-z0-9_]*(, *[a-z_][a-z0-9_]*)*");

    public RetentionRule {
        Objects.requireNonNull(window, "window");
        // names are spliced into SQL: only plain identifiers, never anything that came from outside
        for (String names : new String[] {table, ageColumn, key}) {
            if (names == null || !IDENTIFIERS.matcher(names).matches()) {
                throw new IllegalArgumentException("not a list of SQL identifiers: " + names);
            }
        }
        redeliveredFrom = List.copyOf(redeliveredFrom);
    }

    public static RetentionRule of(String table, String ageColumn, String key, Duration window) {
        return new RetentionRule(table, ageColumn, key, null, window, List.of());
    }

    /** The same rule, for rows that also meet {@code condition} only. */
    public RetentionRule where(String sqlCondition) {
        return new RetentionRule(table, ageColumn, key, sqlCondition, window, redeliveredFrom);
    }

    /** The same rule, for a table that tells a redelivered record of {@code topics} from a new one. */
    public RetentionRule deduplicating(List<String> topics) {
        return new RetentionRule(table, ageColumn, key, condition, window, topics);
    }

    public boolean keepsForever() {
        return window.isZero() || window.isNegative();
    }

    /**
     * One batch: locks at most {@code :limit} of the oldest rows past the window, skipping rows another transaction
     * holds (a busy row, or another instance's purge), deletes them, and answers how many ({@code n}).
     */
    String purgeSql() {
        return """
                WITH doomed AS (
                    SELECT %2$s FROM %1$s
                    WHERE %3$s < now() - make_interval(secs => :window)%4$s
                    ORDER BY %3$s
                    LIMIT :limit
                    FOR UPDATE SKIP LOCKED),
                gone AS (DELETE FROM %1$s WHERE (%2$s) IN (SELECT %2$s FROM doomed) RETURNING 1)
                SELECT count(*) AS n FROM gone""".formatted(table, key, ageColumn, condition == null ? "" : "\n      AND (" + condition + ")");
    }

    /** The age in seconds of the table's oldest row (by {@code ageColumn}), {@code NULL} when there is none. */
    String oldestSql() {
        return "SELECT EXTRACT(EPOCH FROM now() - min(%2$s))::float8 AS age FROM %1$s".formatted(table, ageColumn);
    }
}
