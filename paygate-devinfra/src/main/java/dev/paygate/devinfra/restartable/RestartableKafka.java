package dev.paygate.devinfra.restartable;

import dev.paygate.devinfra.TopicCreator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft broker (broker and controller) run from the Kafka server jars in a JVM of its own, with its
 * log directory and ports fixed, so it can be killed abruptly and started again on the same data: what it had
 * acknowledged is still there (the embedded test broker deletes its directories when it stops).
 */
public final class RestartableKafka implements AutoCloseable {

    private final Path directory;
    private final int port;
    private final ChildJvm broker;

    /**
     * Formats {@code directory} on first use. Ports: the client port and the controller port; 0 picks free ones.
     */
    public RestartableKafka(Path directory, int port, int controllerPort, int partitions) {
        this.directory = directory.toAbsolutePath();
        this.port = port == 0 ? FreePorts.pick() : port;
        int controller = controllerPort == 0 ? FreePorts.pick() : controllerPort;
        Path config = this.directory.resolve("server.properties");
        Path logs = this.directory.resolve("data");
        try {
            Files.createDirectories(this.directory);
            Files.writeString(config, String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.voters=1@127.0.0.1:" + controller,
                    "listeners=PLAINTEXT://127.0.0.1:" + this.port + ",CONTROLLER://127.0.0.1:" + controller,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + this.port,
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "log.dirs=" + logs,
                    "num.partitions=" + partitions,
                    "auto.create.topics.enable=false",
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=6",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "") + "\n");
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the broker's configuration", e);
        }
        List<String> jvm = List.of("-Xms256m", "-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
        if (!Files.exists(logs.resolve("meta.properties"))) {
            int exit = new ChildJvm("kafka-format", jvm, "kafka.tools.StorageTool",
                    List.of("format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()),
                    this.directory.resolve("format.log")).runToEnd(Duration.ofMinutes(2));
            if (exit != 0) {
                throw new IllegalStateException("formatting the broker's storage failed (" + exit + "); see "
                        + this.directory.resolve("format.log"));
            }
        }
        this.broker = new ChildJvm("kafka", jvm, "kafka.Kafka", List.of(config.toString()),
                this.directory.resolve("broker.log"));
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public Path directory() {
        return directory;
    }

    /** Starts the broker and waits until it answers; creates {@code topics} that are missing. */
    public RestartableKafka start(Collection<String> topics, int partitions, Duration timeout) {
        broker.start();
        awaitReady(timeout);
        TopicCreator.create(bootstrap(), topics, partitions, timeout);
        return this;
    }

    /** SIGKILL: no controlled shutdown, no flush; the next start recovers its logs. */
    public void kill() {
        broker.kill();
    }

    public boolean alive() {
        return broker.alive();
    }

    private void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000))) {
            while (true) {
                if (!broker.alive()) {
                    throw new IllegalStateException("the broker exited; see " + broker.log());
                }
                try {
                    admin.describeCluster().nodes().get(4, TimeUnit.SECONDS);
                    admin.listTopics().names().get(4, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("the broker did not answer within " + timeout + "; see "
                                + broker.log(), notYet);
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        broker.kill();
    }
}
