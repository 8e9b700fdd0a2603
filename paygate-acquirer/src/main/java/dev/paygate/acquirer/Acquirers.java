package dev.paygate.acquirer;

import dev.paygate.acquirer.bank.HttpAcquirer;
import dev.paygate.acquirer.simulator.OutageFile;
import dev.paygate.acquirer.simulator.SimulatedAcquirer;
import java.time.Clock;
import java.time.Duration;

/**
 * The bank a service talks to, from its settings: the bank at {@code url} over HTTP when one is named (a
 * {@code BankServer}, or a real bank's adapter behind the same API), else the in-process simulator. The services build
 * their {@link Acquirer} bean here, so they agree on what each setting means.
 */
public final class Acquirers {

    private Acquirers() {}

    /**
     * @param url              the HTTP bank's base URL; blank: the in-process simulator
     * @param timeout          how long one call may take (either bank)
     * @param latency          the simulator's delay (the HTTP bank has its own)
     * @param failureRate      the simulator's share of failed calls
     * @param refundPendingFor the simulator's pending time for the pending test cards
     * @param outageFile       the simulator's outage switch (a file; empty: never down)
     */
    public static Acquirer of(
            String url,
            Duration timeout,
            Duration latency,
            double failureRate,
            Duration refundPendingFor,
            Clock clock,
            String outageFile) {
        if (url != null && !url.isBlank()) {
            return new HttpAcquirer(HttpAcquirer.Settings.of(url).withTimeout(timeout));
        }
        return new SimulatedAcquirer(latency, failureRate, timeout, refundPendingFor, clock, OutageFile.of(outageFile));
    }
}
