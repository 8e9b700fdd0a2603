package dev.paygate.support.acquirer;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code paygate.acquirer.*}: which bank a service calls and, for the built-in simulator, how it behaves.
 *
 * @param url              a bank over HTTP ({@code BankServer}'s API); empty: the simulator in process
 * @param latency          the simulator's delay per call
 * @param failureRate      the simulator's share of calls that fail
 * @param timeout          how long a call may take
 * @param refundPendingFor how long refunds on the pending test cards stay pending
 * @param outageFile       while this file exists the simulator does not answer at all (fault tests)
 */
@ConfigurationProperties("paygate.acquirer")
public record AcquirerProperties(
        String url,
        Duration latency,
        Double failureRate,
        Duration timeout,
        Duration refundPendingFor,
        String outageFile) {

    public AcquirerProperties {
        url = url == null ? "" : url;
        latency = latency == null ? Duration.ZERO : latency;
        failureRate = failureRate == null ? 0 : failureRate;
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
        refundPendingFor = refundPendingFor == null ? Duration.ofSeconds(30) : refundPendingFor;
        outageFile = outageFile == null ? "" : outageFile;
    }
}
