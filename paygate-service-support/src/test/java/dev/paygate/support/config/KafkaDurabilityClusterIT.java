package dev.paygate.support.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.contracts.Topics;
import dev.paygate.devinfra.TopicCreator;
import dev.paygate.devinfra.restartable.RestartableKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability check on a real three-broker cluster (each broker a JVM of its own), where Paygate runs with three
 * replicas and {@code min.insync.replicas=2}: a Paygate topic that was created with one replica is found and named
 * (a regression to the single-broker default would lose what that broker held), so is a producer that does not wait
 * for all in-sync replicas; all topics as configured pass — also while one broker is down, so a service can be
 * restarted during a broker's restart.
 */
class KafkaDurabilityClusterIT {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final Map<String, Object> SAFE_PRODUCER =
            Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    static final String THIN = Topics.REFUND_COMMANDS;

    @TempDir
    static Path dir;

    static RestartableKafka cluster;
    static Admin admin;

    @BeforeAll
    static void start() {
        cluster = RestartableKafka.cluster(dir.resolve("kafka"), 3, 3);
        // every Paygate topic as configured but one, which a regression created with a single replica
        cluster.start(Topics.ALL.stream().filter(t -> !t.equals(THIN)).toList(), 3, Duration.ofMinutes(2));
        TopicCreator.create(cluster.bootstrap(), List.of(THIN), 3, (short) 1, 1, TIMEOUT);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()));
    }

    @AfterAll
    static void stop() {
        admin.close();
        cluster.close();
    }

    static PaygateProperties.Kafka threeReplicas() {
        PaygateProperties.Kafka kafka = new PaygateProperties.Kafka();
        kafka.setReplicationFactor((short) 3);
        return kafka;
    }

    @Test
    void aTopicCreatedWithOneReplicaOnThreeBrokersIsFoundAndNamed() {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(KafkaDurabilityCheck.problems(admin, threeReplicas(), SAFE_PRODUCER, TIMEOUT))
                                .containsExactlyInAnyOrder(
                                        "topic " + THIN + " has 1 replica(s), fewer than the configured 3",
                                        "topic " + THIN + " has min.insync.replicas 1, below the configured 2"));
    }

    @Test
    void aProducerThatDoesNotWaitForAllReplicasIsFoundOnTheCluster() throws Exception {
        assertThat(KafkaDurabilityCheck.problems(
                        admin,
                        threeReplicas(),
                        Map.of(ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false"),
                        TIMEOUT))
                .anySatisfy(p -> assertThat(p).contains("acks=1, not acks=all"))
                .anySatisfy(p -> assertThat(p).contains("not idempotent"));
    }

    @Test
    void topicsAsConfiguredPassAlsoWhileABrokerIsDown() throws Exception {
        var asConfigured = threeReplicas();
        // only the thin topic: the rest is as configured (once every broker's metadata has the new topics)
        List<String> problems = List.of(
                "topic " + THIN + " has 1 replica(s), fewer than the configured 3",
                "topic " + THIN + " has min.insync.replicas 1, below the configured 2");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(KafkaDurabilityCheck.problems(admin, asConfigured, SAFE_PRODUCER, TIMEOUT))
                                .isEqualTo(problems));

        cluster.kill(3);
        try {
            // fenced: the cluster's metadata no longer counts it among the live brokers
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> admin.describeCluster().nodes().get().size() == 2);
            assertThat(KafkaDurabilityCheck.problems(admin, asConfigured, SAFE_PRODUCER, TIMEOUT))
                    .as("a broker down for a restart is still one of the cluster's three")
                    .isEqualTo(problems);
        } finally {
            cluster.start(3, Duration.ofMinutes(2));
        }
    }
}
