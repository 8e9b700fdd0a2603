package dev.paygate.webhook.delivery;

import dev.paygate.webhook.WebhookProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The retry schedule, from {@code paygate.webhooks.retry-schedule}. */
@Configuration(proxyBeanMethods = false)
class DeliveryConfiguration {

    @Bean
    RetrySchedule retrySchedule(WebhookProperties properties) {
        return new RetrySchedule(properties.getRetrySchedule());
    }
}
