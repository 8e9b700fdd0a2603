package dev.paygate.gateway.auth;

import dev.paygate.gateway.GatewayProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Slows down key guessing: a client (by address) that failed to authenticate {@code limit} times within a window is
 * refused — 429 with {@code Retry-After} — until that window ends, whatever key it sends then, so a guess costs
 * nothing but time. Per gateway instance, in memory: a fixed window per client, started by its first failure.
 */
@Component
public class AuthFailures {

    /** Clients kept at most; beyond it, windows that have ended are dropped first. */
    static final int MAX_CLIENTS = 100_000;

    private record Window(long startMillis, int failures) {}

    private final ConcurrentHashMap<String, Window> byClient = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int limit;
    private final long windowMillis;

    public AuthFailures(GatewayProperties properties, Clock clock) {
        this.clock = clock;
        this.limit = properties.getAuthFailureLimit();
        this.windowMillis = properties.getAuthFailureWindow().toMillis();
    }

    /** The client's address (the connection's peer; a proxy in front should be given its own limits). */
    public static String clientOf(org.springframework.http.server.reactive.ServerHttpRequest request) {
        var remote = request.getRemoteAddress();
        return remote == null || remote.getAddress() == null
                ? "unknown"
                : remote.getAddress().getHostAddress();
    }

    /** How long {@code client} must wait before trying again, or empty when it may try now. */
    public Optional<Duration> blocked(String client) {
        Window w = byClient.get(client);
        long now = clock.millis();
        if (w == null || now - w.startMillis() >= windowMillis || w.failures() < limit) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis(w.startMillis() + windowMillis - now));
    }

    /** Counts one failed authentication of {@code client}. */
    public void failed(String client) {
        long now = clock.millis();
        if (byClient.size() >= MAX_CLIENTS) {
            byClient.values().removeIf(w -> now - w.startMillis() >= windowMillis);
            if (byClient.size() >= MAX_CLIENTS && !byClient.containsKey(client)) {
                return; // bounded memory under a flood of addresses; each is still refused by the key check
            }
        }
        byClient.compute(
                client,
                (k, w) -> w == null || now - w.startMillis() >= windowMillis
                        ? new Window(now, 1)
                        : new Window(w.startMillis(), w.failures() + 1));
    }
}
