package dev.paygate.refund;

import dev.paygate.support.acquirer.AcquirerConfiguration;
import java.time.Clock;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * refund-service: owns refunds and each payment's refundable balance; executes refunds at the bank.
 */
@SpringBootApplication
@Import(AcquirerConfiguration.class) // the bank
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
