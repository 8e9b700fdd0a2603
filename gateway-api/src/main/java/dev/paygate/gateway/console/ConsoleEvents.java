package dev.paygate.gateway.console;

import dev.paygate.contracts.Topics;
import dev.paygate.contracts.event.CloudEventsKafka;
import java.util.Collection;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.listener.AcknowledgingMessageListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.ContainerProperties;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The live feed behind the ops console: every state change on the payment and refund event topics, as it flows.
 * Each gateway instance reads both topics in a consumer group of its own, from the latest offset, and never commits
 * (a restart starts at "now" again: the console shows what happens while it watches). Events are fanned out through
 * a Reactor sink; every subscriber has a bounded buffer and loses its oldest events, not the feed, when it falls
 * behind, so a slow browser never holds up the consumer or the other subscribers.
 */
@Configuration
class ConsoleEvents {

    private static final Logger log = LoggerFactory.getLogger(ConsoleEvents.class);
    /** Events one subscriber may have waiting before its oldest are dropped. */
    static final int SUBSCRIBER_BUFFER = 256;

    private final Sinks.Many<ConsoleEvent> sink = Sinks.many().multicast().directBestEffort();
    private final AtomicBoolean assigned = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();

    /** Runs only when the console is on (an admin token is configured). */
    @Bean
    ConcurrentMessageListenerContainer<String, byte[]> consoleEventsContainer(
            ConcurrentKafkaListenerContainerFactory<String, byte[]> factory, ConsoleAccess access) {
        ConcurrentMessageListenerContainer<String, byte[]> container =
                factory.createContainer(Topics.PAYMENT_EVENTS, Topics.REFUND_EVENTS);
        ContainerProperties props = container.getContainerProperties();
        props.setGroupId("gateway-console-" + UUID.randomUUID());
        props.getKafkaConsumerProperties().setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.getKafkaConsumerProperties().setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // manual acknowledgement that never comes: the group's offsets are never committed
        props.setAckMode(ContainerProperties.AckMode.MANUAL);
        props.setMessageListener((AcknowledgingMessageListener<String, byte[]>) (record, ack) -> publish(record));
        props.setConsumerRebalanceListener(new ConsumerAwareRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
                // resolve "latest" now, so everything after this point is seen
                partitions.forEach(consumer::position);
                assigned.set(true);
            }

            @Override
            public void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
                assigned.set(false);
            }
        });
        container.setConcurrency(1);
        container.setAutoStartup(access.enabled());
        return container;
    }

    void publish(ConsumerRecord<String, byte[]> record) {
        if (sink.currentSubscriberCount() == 0) {
            return; // nobody watches: the feed is live from wherever it is when someone does
        }
        ConsoleEvent event;
        try {
            event = ConsoleEvent.of(CloudEventsKafka.fromRecord(record));
        } catch (RuntimeException e) {
            log.warn(
                    "ops console skips an unreadable record at {}-{}@{}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.getClass().getSimpleName());
            return;
        }
        // one consumer thread emits, so emissions never race; no subscriber is not a failure
        sink.tryEmitNext(event);
    }

    /** Live events from now on; a subscriber that falls more than {@value #SUBSCRIBER_BUFFER} behind loses the oldest. */
    public Flux<ConsoleEvent> live() {
        return sink.asFlux()
                .onBackpressureBuffer(
                        SUBSCRIBER_BUFFER, e -> dropped.incrementAndGet(), BufferOverflowStrategy.DROP_OLDEST);
    }

    /** Whether this instance's consumer has its partitions (so the feed is live). */
    public boolean streaming() {
        return assigned.get();
    }

    public int subscribers() {
        return sink.currentSubscriberCount();
    }

    long dropped() {
        return dropped.get();
    }
}
