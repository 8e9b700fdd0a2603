package dev.paygate.refund;

import dev.paygate.acquirer.Acquirer;
import dev.paygate.acquirer.Acquirers;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;

/**
 * refund-service: owns refunds and each payment's refundable balance; executes refunds at the bank.
 */
@SpringBootApplication
public class RefundServiceApplication {

    /** Each service reads its own {@code <name>.yml}, so all four can share one classpath (the launcher). */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(RefundServiceApplication.class)
                .properties("spring.config.name=refund-service");
    }

    public static void main(String[] args) {
        builder().run(args);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * The bank: the one at {@code paygate.acquirer.url} over HTTP, or the built-in simulator when none is named (see
     * {@link Acquirers}).
     */
    @Bean
    Acquirer acquirer(
            @Value("${paygate.acquirer.url:}") String url,
            @Value("${paygate.acquirer.latency:0ms}") Duration latency,
            @Value("${paygate.acquirer.failure-rate:0}") double failureRate,
            @Value("${paygate.acquirer.timeout:10s}") Duration timeout,
            @Value("${paygate.acquirer.refund-pending-for:30s}") Duration refundPendingFor,
            Clock clock,
            @Value("${paygate.acquirer.outage-file:}") String outageFile) {
        return Acquirers.of(url, timeout, latency, failureRate, refundPendingFor, clock, outageFile);
    }
}
