package dev.paygate.support.config;

import dev.paygate.contracts.Topics;
import dev.paygate.support.observability.KafkaHealthIndicator;
import dev.paygate.support.observability.Traces;
import dev.paygate.support.outbox.Inbox;
import dev.paygate.support.outbox.InboxProcessor;
import dev.paygate.support.outbox.Outbox;
import dev.paygate.support.outbox.OutboxBacklogGauge;
import dev.paygate.support.outbox.OutboxRelay;
import dev.paygate.support.retention.RedeliveryWindowCheck;
import dev.paygate.support.retention.Retention;
import dev.paygate.support.retention.RetentionRule;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcTransactionManagerAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.util.backoff.ExponentialBackOff;
import tools.jackson.core.JacksonException;

/** Outbox, inbox, relay, topics and the consumer error policy, for every Paygate service. */
@AutoConfiguration(
        after = {
            R2dbcAutoConfiguration.class,
            R2dbcTransactionManagerAutoConfiguration.class,
            KafkaAutoConfiguration.class
        })
@EnableConfigurationProperties(PaygateProperties.class)
public class PaygateSupportAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    DatabaseClient databaseClient(ConnectionFactory connectionFactory) {
        return DatabaseClient.create(connectionFactory);
    }

    @Bean
    @ConditionalOnMissingBean
    TransactionalOperator transactionalOperator(ReactiveTransactionManager transactionManager) {
        return TransactionalOperator.create(transactionManager);
    }

    /**
     * Every Paygate topic, created with an explicit partition count if missing (brokers don't auto-create), and with
     * the retention and segment time the inboxes' retention is checked against (a topic that exists keeps its own).
     */
    @Bean
    KafkaAdmin.NewTopics paygateTopics(PaygateProperties properties) {
        return new KafkaAdmin.NewTopics(newTopics(properties).toArray(NewTopic[]::new));
    }

    static List<NewTopic> newTopics(PaygateProperties properties) {
        PaygateProperties.Kafka kafka = properties.getKafka();
        Map<String, String> configs = Map.of(
                TopicConfig.RETENTION_MS_CONFIG,
                        Long.toString(kafka.getTopicRetention().toMillis()),
                TopicConfig.SEGMENT_MS_CONFIG,
                        Long.toString(kafka.getTopicSegment().toMillis()),
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(kafka.effectiveMinInsyncReplicas()));
        return Topics.ALL.stream()
                .map(name -> new NewTopic(name, kafka.getPartitions(), kafka.getReplicationFactor()).configs(configs))
                .toList();
    }

    /**
     * Published outbox rows go after {@code paygate.retention.outbox}. A command sent again under its id (its gateway
     * died before the answer, and a retry with the same {@code Idempotency-Key} sends it again) gets its first reply
     * from there, so the outbox must keep rows as long as the gateway keeps keys.
     */
    @Bean
    @ConditionalOnBooleanProperty(name = "paygate.outbox.enabled", matchIfMissing = true)
    RetentionRule outboxRetention(PaygateProperties properties) {
        PaygateProperties.Retention r = properties.getRetention();
        RetentionRule rule = RetentionRule.of("outbox", "published_at", "id", r.getOutbox());
        if (!rule.keepsForever() && r.getOutbox().compareTo(r.getIdempotencyWindow()) < 0) {
            throw new IllegalStateException(("paygate.retention.outbox (%s) is shorter than the gateway's idempotency "
                            + "retention (%s): a command sent again for a kept Idempotency-Key would find no reply to repeat")
                    .formatted(r.getOutbox(), r.getIdempotencyWindow()));
        }
        return rule;
    }

    /** Inbox rows go after {@code paygate.retention.inbox}, which must outlive every record that can come again. */
    @Bean
    @ConditionalOnBooleanProperty(name = "paygate.outbox.enabled", matchIfMissing = true)
    RetentionRule inboxRetention(PaygateProperties properties) {
        return RetentionRule.of(
                        "inbox",
                        "received_at",
                        "consumer, message_id",
                        properties.getRetention().getInbox())
                .deduplicating(List.of(
                        Topics.PAYMENT_COMMANDS, Topics.REFUND_COMMANDS, Topics.PAYMENT_EVENTS, Topics.REFUND_EVENTS));
    }

    /** Purges every {@link RetentionRule} of this service, in their order. */
    @Bean
    @ConditionalOnMissingBean
    Retention retention(
            DatabaseClient db,
            ObjectProvider<RetentionRule> rules,
            PaygateProperties properties,
            KafkaAdmin admin,
            ObjectProvider<MeterRegistry> registry) {
        PaygateProperties.Retention r = properties.getRetention();
        return new Retention(
                db,
                rules.orderedStream().toList(),
                r.getBatchSize(),
                r.getMaxBatches(),
                r.getInterval(),
                new RedeliveryWindowCheck(
                        admin.getConfigurationProperties(), r.getRedeliveryMargin(), r.getCheckTimeout()),
                registry.getIfAvailable(() -> io.micrometer.core.instrument.Metrics.globalRegistry));
    }

    /**
     * A failing message is retried with backoff, without end: on the money path a message is never skipped
     * because a database or broker was briefly away (consumer lag shows the wait). A message that can never
     * succeed — one that doesn't decode — is not retried: it is logged at ERROR with its coordinates and
     * passed, so it cannot block its partition for ever.
     */
    @Bean
    @ConditionalOnMissingBean
    CommonErrorHandler paygateErrorHandler() {
        ExponentialBackOff backOff = new ExponentialBackOff(200, 2.0);
        backOff.setMaxInterval(30_000);
        DefaultErrorHandler handler = new DefaultErrorHandler(
                (record, e) -> LoggerFactory.getLogger(PaygateSupportAutoConfiguration.class)
                        .error(
                                "undecodable message skipped: {}-{}@{} key={}: {}",
                                record.topic(),
                                record.partition(),
                                record.offset(),
                                record.key(),
                                e.toString()),
                backOff);
        handler.addNotRetryableExceptions(JacksonException.class, UndecodableMessageException.class);
        return handler;
    }

    /** Carries traces through the outbox and to webhooks; a no-op when tracing is off. */
    @Bean
    @ConditionalOnMissingBean
    Traces paygateTraces(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        Tracer t = tracer.getIfUnique();
        Propagator p = propagator.getIfUnique();
        return t == null || p == null ? Traces.none() : new Traces(t, p);
    }

    /** Refuses to start on a cluster that can't keep the configured durability (topics, producers). */
    @Bean
    @ConditionalOnBooleanProperty(name = "paygate.kafka.check-durability", matchIfMissing = true)
    KafkaDurabilityCheck paygateKafkaDurabilityCheck(
            KafkaAdmin admin,
            PaygateProperties properties,
            org.springframework.boot.kafka.autoconfigure.KafkaProperties kafka) {
        return new KafkaDurabilityCheck(
                admin.getConfigurationProperties(),
                properties.getKafka(),
                kafka.buildProducerProperties(),
                Duration.ofSeconds(10));
    }

    /** Kafka in the readiness group: a service that can't reach its broker takes no traffic. */
    @Bean(name = "kafkaHealthIndicator")
    @ConditionalOnMissingBean(name = "kafkaHealthIndicator")
    KafkaHealthIndicator kafkaHealthIndicator(KafkaAdmin admin, Environment env) {
        return new KafkaHealthIndicator(
                admin.getConfigurationProperties(),
                env.getProperty("paygate.health.kafka-timeout", Duration.class, Duration.ofSeconds(2)));
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "paygate.outbox.enabled", matchIfMissing = true)
    OutboxBacklogGauge outboxBacklogGauge(OutboxRelay relay, ObjectProvider<MeterRegistry> registry, Environment env) {
        return new OutboxBacklogGauge(
                relay,
                registry.getIfAvailable(() -> io.micrometer.core.instrument.Metrics.globalRegistry),
                env.getProperty("paygate.metrics.gauge-interval", Duration.class, Duration.ofSeconds(5)));
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "paygate.outbox.enabled", matchIfMissing = true)
    Outbox outbox(DatabaseClient db, Traces traces) {
        return new Outbox(db, traces);
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "paygate.outbox.enabled", matchIfMissing = true)
    Inbox inbox(DatabaseClient db) {
        return new Inbox(db);
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "paygate.outbox.enabled", matchIfMissing = true)
    OutboxRelay outboxRelay(
            DatabaseClient db,
            TransactionalOperator tx,
            KafkaTemplate<String, byte[]> kafka,
            PaygateProperties properties) {
        PaygateProperties.OutboxSettings s = properties.getOutbox();
        return new OutboxRelay(db, tx, kafka, s.getBatchSize(), s.getPollInterval(), s.getSendTimeout());
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "paygate.outbox.enabled", matchIfMissing = true)
    InboxProcessor inboxProcessor(Inbox inbox, Outbox outbox, TransactionalOperator tx, OutboxRelay relay) {
        return new InboxProcessor(inbox, outbox, tx, relay);
    }
}
