package dev.paygate.webhook.delivery;

import dev.paygate.webhook.WebhookProperties;
import dev.paygate.webhook.ssrf.HostResolver;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The retry schedule, from {@code paygate.webhooks.retry-schedule}, and the resolver of webhook hosts. */
@Configuration(proxyBeanMethods = false)
class DeliveryConfiguration {

    @Bean
    RetrySchedule retrySchedule(WebhookProperties properties) {
        return new RetrySchedule(properties.getRetrySchedule());
    }

    /**
     * The system's DNS; a test may provide its own resolver (docs/reliability.md, "Security checks": the SSRF guard
     * is tested with a resolver of its own).
     */
    @Bean
    @ConditionalOnMissingBean
    HostResolver hostResolver() {
        return HostResolver.system();
    }
}
