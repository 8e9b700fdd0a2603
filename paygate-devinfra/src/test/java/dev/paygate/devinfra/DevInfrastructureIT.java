package dev.paygate.devinfra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.contracts.Topics;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;

/** The shared infrastructure is real: PostgreSQL answers SQL, Kafka has every topic with 12 partitions. */
class DevInfrastructureIT {

    @Test
    void providesRealPostgresAndKafkaWithAllTopics() throws Exception {
        Infrastructure infra = DevInfrastructure.shared();

        assertThat(DevInfrastructure.shared()).isSameAs(infra);
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), infra.dbUser(), infra.dbPassword());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_database(), version()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(DevInfrastructure.DATABASE);
            assertThat(rs.getString(2)).startsWith("PostgreSQL");
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap()))) {
            Map<String, TopicDescription> topics =
                    admin.describeTopics(Topics.ALL).allTopicNames().get(30, TimeUnit.SECONDS);
            assertThat(topics).containsOnlyKeys(Topics.ALL);
            topics.values().forEach(t -> assertThat(t.partitions()).hasSize(12));
        }
    }

    @Test
    void createsSeparateDatabasesOnTheSameServer() throws Exception {
        Infrastructure infra = DevInfrastructure.shared();
        String name = "it_" + Long.toHexString(System.nanoTime());

        String url = infra.createDatabase(name);

        try (Connection c = DriverManager.getConnection(url, infra.dbUser(), infra.dbPassword());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_database()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(name);
        }
        TopicCreator.create(infra.kafkaBootstrap(), java.util.List.of(name), 3, Duration.ofSeconds(30));
    }
}
