package dev.paygate.webhook.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * When a delivery's attempts happen: attempt n (0-based) waits {@code delays[n]} after the previous one (the first
 * after the event arrived), each delay with ±20 % jitter so that retries of one outage don't all land at once.
 * There are as many attempts as delays; after the last the delivery has failed.
 */
final class RetrySchedule {

    static final double JITTER = 0.2;

    private final List<Duration> delays;
    private final DoubleSupplier random;

    public RetrySchedule(List<Duration> delays) {
        this(delays, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param random uniform in [0, 1) */
    RetrySchedule(List<Duration> delays, DoubleSupplier random) {
        if (delays == null || delays.isEmpty()) {
            throw new IllegalArgumentException("the retry schedule needs at least one attempt");
        }
        if (delays.stream().anyMatch(d -> d == null || d.isNegative())) {
            throw new IllegalArgumentException("retry delays must not be negative: " + delays);
        }
        this.delays = List.copyOf(delays);
        this.random = random;
    }

    /** How many attempts a delivery gets. */
    public int attempts() {
        return delays.size();
    }

    /** The wait before the first attempt. */
    public Duration firstDelay() {
        return jittered(delays.get(0));
    }

    /** The wait before the next attempt after {@code attemptsMade} failed ones; empty when none is left. */
    public Optional<Duration> delayAfter(int attemptsMade) {
        if (attemptsMade < 1) {
            throw new IllegalArgumentException("attemptsMade must be at least 1: " + attemptsMade);
        }
        return attemptsMade < delays.size() ? Optional.of(jittered(delays.get(attemptsMade))) : Optional.empty();
    }

    private Duration jittered(Duration delay) {
        double factor = 1 - JITTER + 2 * JITTER * random.getAsDouble();
        return Duration.ofMillis(Math.round(delay.toMillis() * factor));
    }
}
