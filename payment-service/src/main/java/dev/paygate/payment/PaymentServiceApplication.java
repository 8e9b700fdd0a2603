package dev.paygate.payment;

import dev.paygate.support.acquirer.AcquirerConfiguration;
import java.time.Clock;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** payment-service: owns sessions and payments. */
@SpringBootApplication
@Import(AcquirerConfiguration.class) // the bank
public class PaymentServiceApplication {

    /** Each service reads its own {@code <name>.yml}, so all four can share one classpath (the launcher). */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(PaymentServiceApplication.class)
                .properties("spring.config.name=payment-service");
    }

    public static void main(String[] args) {
        builder().run(args);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
