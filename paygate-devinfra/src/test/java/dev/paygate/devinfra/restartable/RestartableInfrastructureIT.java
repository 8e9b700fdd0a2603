package dev.paygate.devinfra.restartable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the fault suite relies on: a broker killed with SIGKILL and a PostgreSQL server crashed (immediate
 * shutdown) come back on the same ports with everything they had acknowledged; a three-node cluster goes on
 * accepting {@code acks=all} writes with its busiest leader killed, and loses none of them.
 */
class RestartableInfrastructureIT {

    @TempDir
    Path dir;

    @Test
    void aKilledBrokerComesBackOnItsPortWithWhatItAcknowledged() throws Exception {
        try (RestartableKafka kafka = new RestartableKafka(dir.resolve("kafka"), 0, 0, 2)) {
            kafka.start(List.of("restart-test"), 2, Duration.ofMinutes(2));
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            kafka.bootstrap(),
                            ProducerConfig.ACKS_CONFIG,
                            "all"),
                    new StringSerializer(),
                    new StringSerializer())) {
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>("restart-test", "k" + i, "v" + i))
                            .get(30, TimeUnit.SECONDS);
                }
            }
            String bootstrap = kafka.bootstrap();

            kafka.kill();
            assertThat(kafka.alive()).isFalse();
            kafka.start(List.of("restart-test"), 2, Duration.ofMinutes(2));

            assertThat(kafka.bootstrap()).isEqualTo(bootstrap);
            assertThat(readAll(bootstrap, "restart-test")).hasSize(100).contains("v0", "v99");
        }
    }

    @Test
    void aThreeNodeClusterKeepsAcceptingAndLosesNothingWhenItsBusiestLeaderIsKilled() throws Exception {
        try (RestartableKafka kafka = RestartableKafka.cluster(dir.resolve("cluster"), 3, 2)) {
            kafka.start(List.of("cluster-test"), 2, Duration.ofMinutes(2));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap()))) {
                TopicDescription topic = admin.describeTopics(List.of("cluster-test"))
                        .allTopicNames()
                        .get(30, TimeUnit.SECONDS)
                        .get("cluster-test");
                assertThat(topic.partitions())
                        .allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
                String minInsync = admin.describeConfigs(
                                List.of(new ConfigResource(ConfigResource.Type.TOPIC, "cluster-test")))
                        .all()
                        .get(30, TimeUnit.SECONDS)
                        .values()
                        .iterator()
                        .next()
                        .get("min.insync.replicas")
                        .value();
                assertThat(minInsync).isEqualTo("2");
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            kafka.bootstrap(),
                            ProducerConfig.ACKS_CONFIG,
                            "all",
                            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                            true),
                    new StringSerializer(),
                    new StringSerializer())) {
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>("cluster-test", "k" + i, "v" + i))
                            .get(30, TimeUnit.SECONDS);
                }
                int leader = kafka.busiestLeader(List.of("cluster-test"), Duration.ofSeconds(30));

                kafka.kill(leader);
                assertThat(kafka.alive(leader)).isFalse();
                // two of three replicas are enough for acks=all with min.insync.replicas=2
                for (int i = 100; i < 200; i++) {
                    producer.send(new ProducerRecord<>("cluster-test", "k" + i, "v" + i))
                            .get(60, TimeUnit.SECONDS);
                }
                kafka.start(leader, Duration.ofMinutes(2));
            }

            assertThat(kafka.alive()).isTrue();
            assertThat(readAll(kafka.bootstrap(), "cluster-test")).hasSize(200).contains("v0", "v99", "v100", "v199");
        }
    }

    @Test
    void aCrashedPostgresComesBackOnItsPortWithWhatItCommitted() throws Exception {
        try (RestartablePostgres postgres = new RestartablePostgres(dir.resolve("pg"), 0).start()) {
            String url = postgres.database("restart_test");
            try (Connection c = DriverManager.getConnection(url, postgres.user(), postgres.password());
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (n int PRIMARY KEY)");
                s.execute("INSERT INTO t SELECT generate_series(1, 1000)");
            }
            Connection open = DriverManager.getConnection(url, postgres.user(), postgres.password());

            postgres.crash();
            assertThatThrownBy(() -> open.createStatement().executeQuery("SELECT 1"))
                    .isInstanceOf(java.sql.SQLException.class);
            assertThat(Files.readString(dir.resolve("pg").resolve("postgresql.conf"), StandardCharsets.UTF_8))
                    .isNotEmpty();
            postgres.start();

            try (Connection c = DriverManager.getConnection(url, postgres.user(), postgres.password());
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*), sum(n) FROM t")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1000);
                assertThat(rs.getLong(2)).isEqualTo(500_500);
            }
        }
    }

    private static List<String> readAll(String bootstrap, String topic) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
