package dev.paygate.webhook.delivery;

import dev.paygate.contracts.Topics;
import dev.paygate.support.retention.RetentionRule;
import dev.paygate.webhook.WebhookProperties;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * Events, deliveries and attempts go {@code paygate.webhooks.retention} after they happened, children first: the
 * attempts of deliveries that are over (not pending), then such deliveries that have no attempt left, then events
 * that have no delivery left. So nothing a pending retry needs goes, and a delivery is listed with its attempts for as
 * long as it is listed.
 */
@Configuration(proxyBeanMethods = false)
class WebhookRetention {

    @Bean
    @Order(1)
    RetentionRule deliveryAttemptsRetention(WebhookProperties properties) {
        return RetentionRule.of("delivery_attempts", "attempted_at", "id", properties.getRetention())
                .where("NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.id = delivery_attempts.delivery_id"
                        + " AND d.status = 'pending')");
    }

    @Bean
    @Order(2)
    RetentionRule deliveriesRetention(WebhookProperties properties) {
        return RetentionRule.of("deliveries", "created_at", "id", properties.getRetention())
                .where("status <> 'pending' AND NOT EXISTS "
                        + "(SELECT 1 FROM delivery_attempts a WHERE a.delivery_id = deliveries.id)");
    }

    /** The events table is also the dispatcher's inbox: its window must outlive the event topics' records. */
    @Bean
    @Order(3)
    RetentionRule eventsRetention(WebhookProperties properties) {
        return RetentionRule.of("events", "created_at", "id", properties.getRetention())
                .where("NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = events.id)")
                .deduplicating(List.of(Topics.PAYMENT_EVENTS, Topics.REFUND_EVENTS));
    }
}
