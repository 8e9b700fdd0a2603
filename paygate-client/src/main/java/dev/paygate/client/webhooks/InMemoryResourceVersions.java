package dev.paygate.client.webhooks;

import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** {@link ResourceVersions} in this process's memory (one entry per object: for a single instance, or tests). */
public final class InMemoryResourceVersions implements ResourceVersions {

    private final ConcurrentMap<String, Long> versions = new ConcurrentHashMap<>();

    @Override
    public OptionalLong advance(String objectId, long version) {
        long[] previous = {-1};
        versions.compute(objectId, (id, seen) -> {
            long before = seen == null ? 0 : seen;
            if (version > before) {
                previous[0] = before;
                return version;
            }
            return seen;
        });
        return previous[0] < 0 ? OptionalLong.empty() : OptionalLong.of(previous[0]);
    }

    @Override
    public void retract(String objectId, long version, long previous) {
        if (previous == 0) {
            versions.remove(objectId, version);
        } else {
            versions.replace(objectId, version, previous);
        }
    }

    /** The newest version seen of {@code objectId}, 0 for none. */
    public long latest(String objectId) {
        return versions.getOrDefault(objectId, 0L);
    }
}
