package dev.paygate.payment.payment;

import dev.paygate.acquirer.Acquirer;
import dev.paygate.acquirer.simulator.SimulatedAcquirer;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The bank: the built-in simulator (a real connector would be another {@link Acquirer} bean). */
@Configuration
public class AcquirerConfiguration {

    @Bean
    Acquirer acquirer(@Value("${paygate.acquirer.latency:0ms}") Duration latency,
                      @Value("${paygate.acquirer.failure-rate:0}") double failureRate,
                      @Value("${paygate.acquirer.timeout:10s}") Duration timeout,
                      @Value("${paygate.acquirer.outage-file:}") String outageFile) {
        return new SimulatedAcquirer(latency, failureRate, timeout, Duration.ofSeconds(30), java.time.Clock.systemUTC(),
                dev.paygate.acquirer.simulator.OutageFile.of(outageFile));
    }
}
