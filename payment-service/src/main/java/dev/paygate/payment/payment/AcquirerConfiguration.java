package dev.paygate.payment.payment;

import dev.paygate.acquirer.Acquirer;
import dev.paygate.acquirer.Acquirers;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The bank: the one at {@code paygate.acquirer.url} over HTTP, or the built-in simulator when none is named (see
 * {@link Acquirers}).
 */
@Configuration
public class AcquirerConfiguration {

    @Bean
    Acquirer acquirer(
            @Value("${paygate.acquirer.url:}") String url,
            @Value("${paygate.acquirer.latency:0ms}") Duration latency,
            @Value("${paygate.acquirer.failure-rate:0}") double failureRate,
            @Value("${paygate.acquirer.timeout:10s}") Duration timeout,
            @Value("${paygate.acquirer.outage-file:}") String outageFile) {
        return Acquirers.of(
                url, timeout, latency, failureRate, Duration.ofSeconds(30), java.time.Clock.systemUTC(), outageFile);
    }
}
