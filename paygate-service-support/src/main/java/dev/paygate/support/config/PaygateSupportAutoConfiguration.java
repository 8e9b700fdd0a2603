package dev.paygate.support.config;

import dev.paygate.contracts.Topics;
import dev.paygate.support.outbox.Inbox;
import dev.paygate.support.outbox.InboxProcessor;
import dev.paygate.support.outbox.Outbox;
import dev.paygate.support.outbox.OutboxRelay;
import io.r2dbc.spi.ConnectionFactory;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcTransactionManagerAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.util.backoff.ExponentialBackOff;

/** Outbox, inbox, relay, topics and the consumer error policy, for every Paygate service. */
@AutoConfiguration(after = {R2dbcAutoConfiguration.class, R2dbcTransactionManagerAutoConfiguration.class,
        KafkaAutoConfiguration.class})
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

    /** Every Paygate topic, created with an explicit partition count if missing (brokers don't auto-create). */
    @Bean
    KafkaAdmin.NewTopics paygateTopics(PaygateProperties properties) {
        return new KafkaAdmin.NewTopics(Topics.ALL.stream()
                .map(name -> new NewTopic(name, properties.getKafka().getPartitions(),
                        properties.getKafka().getReplicationFactor()))
                .toArray(NewTopic[]::new));
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
        DefaultErrorHandler handler = new DefaultErrorHandler((record, e) -> LoggerFactory.getLogger(
                PaygateSupportAutoConfiguration.class).error("undecodable message skipped: {}-{}@{} key={}: {}",
                record.topic(), record.partition(), record.offset(), record.key(), e.toString()), backOff);
        handler.addNotRetryableExceptions(JacksonException.class, UndecodableMessageException.class);
        return handler;
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "paygate.outbox.enabled", matchIfMissing = true)
    Outbox outbox(DatabaseClient db) {
        return new Outbox(db);
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "paygate.outbox.enabled", matchIfMissing = true)
    Inbox inbox(DatabaseClient db) {
        return new Inbox(db);
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "paygate.outbox.enabled", matchIfMissing = true)
    OutboxRelay outboxRelay(DatabaseClient db, TransactionalOperator tx, KafkaTemplate<String, byte[]> kafka,
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
