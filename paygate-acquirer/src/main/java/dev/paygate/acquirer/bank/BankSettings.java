package dev.paygate.acquirer.bank;

import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

/**
 * How the simulated bank behaves.
 *
 * @param latency          how long an operation takes on average before it is executed and answered
 * @param jitter           each operation takes {@code latency} plus or minus up to this much, uniformly
 * @param failureRate      the share of operations that fail with 503 without executing (0 to 1)
 * @param refundPendingFor how long refunds on the pending test cards stay pending
 * @param down             while true the bank answers nothing at all (an outage): callers time out
 * @param clock            the ledger's time and the refunds' due time
 * @param slow             while true every operation takes {@code slowLatency} instead (a bank having a bad day)
 * @param slowLatency      see {@code slow}
 */
public record BankSettings(
        Duration latency,
        Duration jitter,
        double failureRate,
        Duration refundPendingFor,
        BooleanSupplier down,
        Clock clock,
        BooleanSupplier slow,
        Duration slowLatency) {

    public BankSettings {
        if (latency.isNegative() || jitter.isNegative()) {
            throw new IllegalArgumentException("latency and jitter must not be negative");
        }
        if (failureRate < 0 || failureRate > 1) {
            throw new IllegalArgumentException("failureRate must be 0 to 1");
        }
    }

    /** A bank that answers after {@code latency ± jitter}, never fails, is never down, and keeps refunds pending 30 s. */
    public static BankSettings of(Duration latency, Duration jitter) {
        return new BankSettings(
                latency, jitter, 0, Duration.ofSeconds(30), () -> false, Clock.systemUTC(), () -> false, latency);
    }

    public BankSettings withFailureRate(double rate) {
        return new BankSettings(latency, jitter, rate, refundPendingFor, down, clock, slow, slowLatency);
    }

    public BankSettings withRefundPendingFor(Duration pendingFor) {
        return new BankSettings(latency, jitter, failureRate, pendingFor, down, clock, slow, slowLatency);
    }

    public BankSettings withDown(BooleanSupplier outage) {
        return new BankSettings(latency, jitter, failureRate, refundPendingFor, outage, clock, slow, slowLatency);
    }

    public BankSettings withClock(Clock newClock) {
        return new BankSettings(latency, jitter, failureRate, refundPendingFor, down, newClock, slow, slowLatency);
    }

    /** While {@code when} is true each operation takes {@code latency} (no jitter). */
    public BankSettings withSlow(BooleanSupplier when, Duration latency) {
        return new BankSettings(this.latency, jitter, failureRate, refundPendingFor, down, clock, when, latency);
    }

    /** One operation's delay: uniform in {@code [latency - jitter, latency + jitter]}, never below zero. */
    public Duration nextDelay(RandomGenerator random) {
        if (slow.getAsBoolean()) {
            return slowLatency;
        }
        long jitterNanos = jitter.toNanos();
        long offset = jitterNanos == 0 ? 0 : random.nextLong(-jitterNanos, jitterNanos + 1);
        return Duration.ofNanos(Math.max(0, latency.toNanos() + offset));
    }
}
