package dev.paygate.gateway.payment;

import dev.paygate.acquirer.CardTokenizer;
import dev.paygate.acquirer.simulator.SimulatedCardTokenizer;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The acquirer's vault at the edge: the simulator's (a real one would tokenize with the acquirer). */
@Configuration
class AcquirerEdgeConfiguration {

    @Bean
    CardTokenizer cardTokenizer(Clock clock) {
        return new SimulatedCardTokenizer(clock);
    }
}
