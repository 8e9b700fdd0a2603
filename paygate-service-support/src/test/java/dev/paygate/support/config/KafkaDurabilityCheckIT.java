package dev.paygate.support.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paygate.contracts.Topics;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import dev.paygate.support.SupportTestApplication;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The durability check against a real broker (the shared single-broker one, whose Paygate topics have one replica
 * each): asking for more replicas than there are brokers, topics with fewer replicas or a lower
 * {@code min.insync.replicas} than configured, producers without {@code acks=all} or idempotence, and an impossible
 * minimum are each found and named; a single-replica setting passes; a service so configured refuses to start; and
 * topics are created with the {@code min.insync.replicas} that goes with their replicas.
 */
class KafkaDurabilityCheckIT {

    static final Infrastructure INFRA = DevInfrastructure.shared();
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final Map<String, Object> SAFE_PRODUCER =
            Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    static Admin admin;

    @BeforeAll
    static void connect() {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, INFRA.kafkaBootstrap()));
    }

    @AfterAll
    static void close() {
        admin.close();
    }

    static PaygateProperties.Kafka replicated(int replicas) {
        PaygateProperties.Kafka kafka = new PaygateProperties.Kafka();
        kafka.setReplicationFactor((short) replicas);
        return kafka;
    }

    @Test
    void threeReplicasOnOneBrokerAreRefusedNamingTheClusterAndEveryThinTopic() throws Exception {
        var problems = KafkaDurabilityCheck.problems(admin, replicated(3), SAFE_PRODUCER, TIMEOUT);

        assertThat(problems)
                .contains(
                        "replication factor 3 but the cluster has 1 broker(s)",
                        "topic " + Topics.REFUND_COMMANDS + " has 1 replica(s), fewer than the configured 3",
                        "topic " + Topics.REFUND_COMMANDS + " has min.insync.replicas 1, below the configured 2");
        // every Paygate topic is named, twice (replicas and minimum), and nothing else but the cluster's size
        assertThat(problems).hasSize(1 + 2 * Topics.ALL.size());
    }

    @Test
    void aSingleReplicaSettingPassesOnASingleBroker() throws Exception {
        assertThat(KafkaDurabilityCheck.problems(admin, replicated(1), SAFE_PRODUCER, TIMEOUT))
                .isEmpty();
    }

    @Test
    void producersThatDoNotWaitForAllReplicasOrMayDuplicateAreFound() throws Exception {
        assertThat(KafkaDurabilityCheck.problems(
                        admin, replicated(1), Map.of(ProducerConfig.ACKS_CONFIG, "1"), TIMEOUT))
                .singleElement()
                .asString()
                .contains("acks=1, not acks=all");
        assertThat(KafkaDurabilityCheck.problems(
                        admin,
                        replicated(1),
                        Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false),
                        TIMEOUT))
                .singleElement()
                .asString()
                .contains("not idempotent");
    }

    @Test
    void aMinimumAboveTheReplicasIsFound() throws Exception {
        PaygateProperties.Kafka impossible = replicated(1);
        impossible.setMinInsyncReplicas(2);
        assertThat(KafkaDurabilityCheck.problems(admin, impossible, SAFE_PRODUCER, TIMEOUT))
                .contains("min.insync.replicas 2 is more than the replication factor 1: no write could ever succeed");
    }

    @Test
    void topicsAreCreatedWithTheMinimumThatGoesWithTheirReplicas() {
        PaygateProperties three = new PaygateProperties();
        three.getKafka().setReplicationFactor((short) 3);
        assertThat(PaygateSupportAutoConfiguration.newTopics(three)).allSatisfy(topic -> {
            assertThat(topic.replicationFactor()).isEqualTo((short) 3);
            assertThat(topic.configs()).containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
        });
        PaygateProperties one = new PaygateProperties();
        assertThat(PaygateSupportAutoConfiguration.newTopics(one))
                .extracting(NewTopic::configs)
                .allSatisfy(configs -> assertThat(configs).containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "1"));
        PaygateProperties strict = new PaygateProperties();
        strict.getKafka().setReplicationFactor((short) 5);
        strict.getKafka().setMinInsyncReplicas(3);
        assertThat(PaygateSupportAutoConfiguration.newTopics(strict))
                .extracting(NewTopic::configs)
                .allSatisfy(configs -> assertThat(configs).containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "3"));
    }

    @Test
    void aServiceRefusesToStartWhereTheClusterCannotKeepWhatItWrites() {
        String db = INFRA.createDatabase("durability_it_" + Long.toHexString(System.nanoTime()));

        // as command-line arguments: above the defaults every service derives
        assertThatThrownBy(() -> new SpringApplicationBuilder(SupportTestApplication.class)
                        .properties("spring.main.web-application-type=none")
                        .run(
                                "--spring.kafka.bootstrap-servers=" + INFRA.kafkaBootstrap(),
                                "--paygate.db.url=" + db,
                                "--paygate.db.user=" + INFRA.dbUser(),
                                "--paygate.db.password=" + INFRA.dbPassword(),
                                "--paygate.db.schema=support",
                                "--paygate.db.migrations=classpath:db/support",
                                "--paygate.kafka.replication-factor=3")
                        .close())
                .hasStackTraceContaining("Kafka can't keep what this service writes as configured")
                .hasStackTraceContaining("replication factor 3 but the cluster has 1 broker(s)");
    }
}
