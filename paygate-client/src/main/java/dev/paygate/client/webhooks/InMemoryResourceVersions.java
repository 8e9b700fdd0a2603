package dev.paygate.client.webhooks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * {@link ResourceVersions} in this process's memory, for a single instance or tests. It keeps the objects most recently
 * seen, {@code maxObjects} of them (100,000 by default): an event about an object forgotten since is taken as new.
 */
public final class InMemoryResourceVersions implements ResourceVersions {

    private final Map<String, Long> versions;

    public InMemoryResourceVersions() {
        this(100_000);
    }

    public InMemoryResourceVersions(int maxObjects) {
        versions =
                new LinkedHashMap<>(16, 0.75f, true) { // access order: the least recently seen goes first
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                        return size() > maxObjects;
                    }
                };
    }

    @Override
    public synchronized OptionalLong advance(String objectId, long version) {
        long seen = versions.getOrDefault(objectId, 0L);
        if (version < seen) {
            return OptionalLong.empty();
        }
        versions.put(objectId, version);
        return OptionalLong.of(seen);
    }

    @Override
    public synchronized void retract(String objectId, long version, long previous) {
        Long seen = versions.get(objectId);
        if (seen == null || seen != version || previous >= version) {
            return;
        }
        if (previous == 0) {
            versions.remove(objectId);
        } else {
            versions.put(objectId, previous);
        }
    }

    /** The newest version seen of {@code objectId}, 0 for none. */
    public synchronized long latest(String objectId) {
        return versions.getOrDefault(objectId, 0L);
    }
}
