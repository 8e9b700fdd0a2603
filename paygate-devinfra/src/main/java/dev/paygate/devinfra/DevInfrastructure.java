package dev.paygate.devinfra;

import dev.paygate.contracts.Topics;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Provides a real Kafka broker and a real PostgreSQL server, one of each per JVM, found in this order:
 * <ol>
 *   <li>explicit: {@code PAYGATE_KAFKA_BOOTSTRAP}, {@code PAYGATE_DB_URL} (+ {@code PAYGATE_DB_USER},
 *       {@code PAYGATE_DB_PASSWORD});</li>
 *   <li>Testcontainers, when a Docker engine answers;</li>
 *   <li>embedded: an in-process KRaft broker built from the Kafka server jars, and PostgreSQL binaries
 *       (zonky) run as a child process.</li>
 * </ol>
 * Embedded and container brokers run with topic auto-creation off; every Paygate topic is created here
 * with {@code PAYGATE_KAFKA_PARTITIONS} partitions (default 12).
 */
public final class DevInfrastructure {

    private static final Logger log = LoggerFactory.getLogger(DevInfrastructure.class);
    public static final String DATABASE = "paygate";

    private static Infrastructure shared;
    private static final Deque<Runnable> STOP_STEPS = new ArrayDeque<>();
    private static boolean hookRegistered;

    private DevInfrastructure() {}

    /**
     * Runs {@code step} at JVM exit before the embedded broker and database stop, so what uses them (the
     * services) shuts down first and cleanly. Steps run in reverse order of registration.
     */
    public static synchronized void beforeShutdown(Runnable step) {
        STOP_STEPS.push(step);
        registerHook();
    }

    private static synchronized void onShutdown(Runnable infrastructureStop) {
        STOP_STEPS.addLast(infrastructureStop);
        registerHook();
    }

    private static void registerHook() {
        if (!hookRegistered) {
            hookRegistered = true;
            Runtime.getRuntime().addShutdownHook(new Thread(DevInfrastructure::runStopSteps, "paygate-infra-stop"));
        }
    }

    private static void runStopSteps() {
        while (true) {
            Runnable step;
            synchronized (DevInfrastructure.class) {
                step = STOP_STEPS.poll();
            }
            if (step == null) {
                return;
            }
            try {
                step.run();
            } catch (RuntimeException e) {
                log.warn("a shutdown step failed", e);
            }
        }
    }

    /** The JVM's one broker and one database server, started on first use and stopped at JVM exit. */
    public static synchronized Infrastructure shared() {
        if (shared == null) {
            shared = start(System::getenv);
        }
        return shared;
    }

    static Infrastructure start(Function<String, String> env) {
        int partitions = Integer.parseInt(envOr(env, "PAYGATE_KAFKA_PARTITIONS", "12"));
        String explicitKafka = env.apply("PAYGATE_KAFKA_BOOTSTRAP");
        String explicitDb = env.apply("PAYGATE_DB_URL");
        boolean docker = (isBlank(explicitKafka) || isBlank(explicitDb)) && dockerAvailable();

        String kafka;
        String kafkaSource;
        if (!isBlank(explicitKafka)) {
            kafka = explicitKafka;
            kafkaSource = "explicit";
        } else if (docker) {
            kafka = startKafkaContainer(partitions);
            kafkaSource = "testcontainers";
        } else {
            kafka = startEmbeddedKafka(partitions);
            kafkaSource = "embedded";
        }

        Infrastructure infra;
        if (!isBlank(explicitDb)) {
            infra = new Infrastructure(
                    kafka,
                    explicitDb,
                    envOr(env, "PAYGATE_DB_USER", "paygate"),
                    envOr(env, "PAYGATE_DB_PASSWORD", "paygate"),
                    kafkaSource,
                    "explicit");
        } else if (docker) {
            infra = startPostgresContainer(kafka, kafkaSource);
        } else {
            infra = startEmbeddedPostgres(kafka, kafkaSource);
        }
        log.info(
                "Kafka at {} ({}), PostgreSQL at {} ({})",
                infra.kafkaBootstrap(),
                infra.kafkaSource(),
                infra.jdbcUrl(),
                infra.databaseSource());
        return infra;
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static String startEmbeddedKafka(int partitions) {
        EmbeddedKafkaKraftBroker broker =
                new EmbeddedKafkaKraftBroker(1, partitions, Topics.ALL.toArray(String[]::new));
        broker.brokerProperties(Map.of(
                "auto.create.topics.enable", "false",
                "offsets.topic.num.partitions", "6",
                "group.initial.rebalance.delay.ms", "0",
                "log.flush.interval.messages", Long.toString(Long.MAX_VALUE)));
        broker.afterPropertiesSet();
        onShutdown(broker::destroy);
        return broker.getBrokersAsString();
    }

    private static String startKafkaContainer(int partitions) {
        KafkaContainer kafka =
                new KafkaContainer("apache/kafka:4.1.1").withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        kafka.start();
        TopicCreator.create(kafka.getBootstrapServers(), Topics.ALL, partitions, Duration.ofSeconds(30));
        return kafka.getBootstrapServers();
    }

    private static Infrastructure startPostgresContainer(String kafka, String kafkaSource) {
        PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:17-alpine")
                .withDatabaseName(DATABASE)
                .withUsername("paygate")
                .withPassword("paygate");
        postgres.start();
        return new Infrastructure(
                kafka,
                postgres.getJdbcUrl(),
                postgres.getUsername(),
                postgres.getPassword(),
                kafkaSource,
                "testcontainers");
    }

    private static Infrastructure startEmbeddedPostgres(String kafka, String kafkaSource) {
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "on")
                    // statement counts for the benchmark (./bench reports SQL statements per change); a few % at most
                    .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            onShutdown(() -> {
                try {
                    postgres.close();
                } catch (IOException e) {
                    log.warn("embedded PostgreSQL did not stop cleanly", e);
                }
            });
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                    Statement statement = connection.createStatement()) {
                try (ResultSet exists =
                        statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                    if (!exists.next()) {
                        statement.execute("CREATE DATABASE " + DATABASE);
                    }
                }
            }
            return new Infrastructure(
                    kafka,
                    "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE,
                    "postgres",
                    "postgres",
                    kafkaSource,
                    "embedded");
        } catch (IOException | java.sql.SQLException e) {
            throw new IllegalStateException("cannot start embedded PostgreSQL", e);
        }
    }

    private static String envOr(Function<String, String> env, String name, String fallback) {
        String value = env.apply(name);
        return isBlank(value) ? fallback : value;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
