package dev.paygate.support.acquirer;

import dev.paygate.acquirer.Acquirer;
import dev.paygate.acquirer.Acquirers;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The bank, for a service that calls it ({@code @Import} this): the one at {@code paygate.acquirer.url} over HTTP,
 * or the built-in simulator when none is named (see {@link Acquirers}), on the service's {@link Clock}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AcquirerProperties.class)
public class AcquirerConfiguration {

    @Bean
    Acquirer acquirer(AcquirerProperties properties, ObjectProvider<Clock> clock) {
        return Acquirers.of(
                properties.url(),
                properties.timeout(),
                properties.latency(),
                properties.failureRate(),
                properties.refundPendingFor(),
                clock.getIfAvailable(Clock::systemUTC),
                properties.outageFile());
    }
}
