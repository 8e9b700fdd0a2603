package dev.paygate.webhook;

import java.time.Clock;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** webhook-dispatcher: owns webhook endpoints, events and delivery attempts. */
@SpringBootApplication
@EnableConfigurationProperties(WebhookProperties.class)
public class WebhookDispatcherApplication {

    /** Each service reads its own {@code <name>.yml}, so all four can share one classpath (the launcher). */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(WebhookDispatcherApplication.class)
                .properties("spring.config.name=webhook-dispatcher");
    }

    public static void main(String[] args) {
        builder().run(args);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
