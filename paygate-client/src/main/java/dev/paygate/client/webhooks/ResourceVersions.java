package dev.paygate.client.webhooks;

import java.util.OptionalLong;

/**
 * "Latest version wins": the newest version of each object seen so far. Webhooks may arrive out of order (a retry of
 * an older event after a newer one); every object Paygate sends carries its {@code version}, higher for a later
 * change, so an event whose object is not newer than one already applied is stale and is skipped — its state has been
 * overtaken.
 *
 * <p>Implementations: {@link InMemoryResourceVersions} (one process) and {@link JdbcResourceVersions} (shared).
 */
public interface ResourceVersions {

    /**
     * Records {@code version} of {@code objectId} if it is newer than any seen, atomically.
     *
     * @return the version seen before (0 for none) if this one is newer; empty if it is not (stale)
     */
    OptionalLong advance(String objectId, long version);

    /**
     * Undoes an {@link #advance} whose event could not be processed, putting back {@code previous} — unless a still
     * newer version has been recorded since.
     */
    void retract(String objectId, long version, long previous);
}
