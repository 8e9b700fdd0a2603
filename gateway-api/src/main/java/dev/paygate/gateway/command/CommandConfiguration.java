package dev.paygate.gateway.command;

import dev.paygate.contracts.Topics;
import dev.paygate.gateway.GatewayProperties;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.requestreply.CorrelationKey;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;

/**
 * Request/reply over Kafka. Every gateway instance reads the whole reply topic in a consumer group of its
 * own, so instances never take each other's replies; a reply for another instance's command is ignored.
 * The correlation id is the command id, which the services copy onto their reply.
 */
@Configuration
class CommandConfiguration {

    @Bean
    ConcurrentMessageListenerContainer<String, byte[]> replyContainer(
            ConcurrentKafkaListenerContainerFactory<String, byte[]> factory) {
        ConcurrentMessageListenerContainer<String, byte[]> container = factory.createContainer(Topics.COMMAND_REPLIES);
        container.getContainerProperties().setGroupId("gateway-replies-" + UUID.randomUUID());
        // only replies to commands sent from now on matter to this instance
        container
                .getContainerProperties()
                .getKafkaConsumerProperties()
                .setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        container.setAutoStartup(false);
        // stopped only after the web server's graceful shutdown has let the requests in flight finish: they wait for
        // their replies here. At the listener containers' own phase it stopped first, and the template with it (it
        // depends on the container), so a rolling restart answered the requests still arriving 500 "Template has
        // not been started" and left those in flight without their replies.
        container.setPhase(WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE - 1);
        return container;
    }

    /** Replies that come after the reply timeout go to the {@link LateReplyListener}s (idempotency keys). */
    @Bean
    ReplyingKafkaTemplate<String, byte[], byte[]> replyingTemplate(
            ProducerFactory<String, byte[]> producerFactory,
            @Qualifier("replyContainer") ConcurrentMessageListenerContainer<String, byte[]> replyContainer,
            GatewayProperties properties,
            ObjectProvider<LateReplyListener> lateReplyListeners) {
        ReplyingKafkaTemplate<String, byte[], byte[]> template = new LateReplyTemplate(
                producerFactory,
                replyContainer,
                lateReplyListeners.orderedStream().toList());
        template.setSharedReplyTopic(true);
        // a command record carries the request's trace (W3C traceparent header), so the service continues it
        template.setObservationEnabled(true);
        template.setDefaultReplyTimeout(properties.getReplyTimeout());
        template.setCorrelationIdStrategy(record -> new CorrelationKey(
                record.headers().lastHeader(Topics.COMMAND_ID_HEADER).value()));
        return template;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
