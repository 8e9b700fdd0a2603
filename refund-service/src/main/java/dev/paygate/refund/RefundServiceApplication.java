package dev.paygate.refund;

import java.time.Clock;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;

/**
 * refund-service: owns refunds and each payment's refundable balance. This foundation gives it its schema
 * (outbox and inbox), its relay, health and metrics; refunds themselves are the refunds issue.
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
}
