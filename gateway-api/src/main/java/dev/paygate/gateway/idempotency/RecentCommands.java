package dev.paygate.gateway.idempotency;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The commands this instance published under an idempotency key whose outcome it may still have to record,
 * by command id: bounded in size and in age, so commands whose reply never comes cannot pile up. The oldest
 * entries go first (entries are kept in the order they were added, which is also the order of their age).
 * Thread-safe; every operation is O(1) amortised.
 */
final class RecentCommands<V> {

    private record Entry<V>(V value, Instant added) {}

    private final LinkedHashMap<String, Entry<V>> entries = new LinkedHashMap<>();
    private final int maxSize;
    private final Duration maxAge;
    private final Clock clock;

    RecentCommands(int maxSize, Duration maxAge, Clock clock) {
        this.maxSize = maxSize;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    synchronized void put(String commandId, V value) {
        evictExpired();
        entries.remove(commandId);
        entries.put(commandId, new Entry<>(value, clock.instant()));
        if (entries.size() > maxSize) {
            Iterator<String> oldest = entries.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    synchronized boolean contains(String commandId) {
        evictExpired();
        return entries.containsKey(commandId);
    }

    /** Removes and returns the value; null if absent or expired. */
    synchronized V remove(String commandId) {
        evictExpired();
        Entry<V> entry = entries.remove(commandId);
        return entry == null ? null : entry.value();
    }

    synchronized int size() {
        evictExpired();
        return entries.size();
    }

    private void evictExpired() {
        Instant oldest = clock.instant().minus(maxAge);
        Iterator<Map.Entry<String, Entry<V>>> it = entries.entrySet().iterator();
        while (it.hasNext() && it.next().getValue().added().isBefore(oldest)) {
            it.remove();
        }
    }
}
