package dev.paygate.client.webhooks;

import java.util.OptionalLong;

/**
 * "Latest version wins": the newest version of each object seen so far. Webhooks may arrive out of order (a retry of
 * an older event after a newer one); every object Paygate sends carries its {@code version}, higher for a later
 * change, so an event whose object is older than one already handled is stale and is skipped — its state has been
 * overtaken. The same version again (the same event, taken over from an instance that died handling it) is not stale.
 *
 * <p>Events about the same object that arrive at once may still be handled at the same time, each newer than what was
 * seen when it came: if your handler's writes must not overtake each other, make them conditional on the version too
 * (as {@code UPDATE … WHERE version < ?}).
 *
 * <p>Implementations: {@link InMemoryResourceVersions} (one process) and {@link JdbcResourceVersions} (shared).
 */
public interface ResourceVersions {

    /**
     * Records {@code version} of {@code objectId} unless a newer one has been seen, atomically.
     *
     * @return the version seen before (0 for none) if this one is not older; empty if it is (stale)
     */
    OptionalLong advance(String objectId, long version);

    /**
     * Undoes an {@link #advance} whose event could not be processed, putting back {@code previous} — unless a still
     * newer version has been recorded since.
     */
    void retract(String objectId, long version, long previous);
}
