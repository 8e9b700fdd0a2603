package dev.paygate.devinfra.restartable;

import dev.paygate.devinfra.TopicCreator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * A KRaft cluster of one or more nodes (each broker and controller, with a static voter set), each run from the
 * Kafka server jars in a JVM of its own, with its log directory and ports fixed, so a node — or all of them — can be
 * killed abruptly and started again on the same data: what the cluster acknowledged is still there (the embedded test
 * broker deletes its directories when it stops, and three embedded brokers in one JVM do not survive on Kafka 4.2).
 * With three or more nodes, topics have three replicas and {@code min.insync.replicas=2}, as in production.
 */
public final class RestartableKafka implements AutoCloseable {

    private final Path directory;
    private final List<Integer> ports = new ArrayList<>();
    private final List<ChildJvm> nodes = new ArrayList<>();

    /** A single node. Ports: the client port and the controller port; 0 picks free ones. */
    public RestartableKafka(Path directory, int port, int controllerPort, int partitions) {
        this(directory, List.of(port), List.of(controllerPort), partitions);
    }

    /** A cluster of {@code size} nodes on free ports, formatted under {@code directory}/node-N on first use. */
    public static RestartableKafka cluster(Path directory, int size, int partitions) {
        List<Integer> zeros = IntStream.range(0, size).mapToObj(i -> 0).toList();
        return new RestartableKafka(directory, zeros, zeros, partitions);
    }

    private RestartableKafka(Path directory, List<Integer> clientPorts, List<Integer> controllerPorts, int partitions) {
        this.directory = directory.toAbsolutePath();
        int size = clientPorts.size();
        List<Integer> controllers = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ports.add(clientPorts.get(i) == 0 ? FreePorts.pick() : clientPorts.get(i));
            controllers.add(controllerPorts.get(i) == 0 ? FreePorts.pick() : controllerPorts.get(i));
        }
        String voters = IntStream.range(0, size)
                .mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllers.get(i))
                .collect(Collectors.joining(","));
        String clusterId = clusterId();
        for (int i = 0; i < size; i++) {
            Path home = size == 1 ? this.directory : this.directory.resolve("node-" + (i + 1));
            nodes.add(node(home, i + 1, ports.get(i), controllers.get(i), voters, partitions, size, clusterId));
        }
    }

    /** The cluster's id: kept in the directory, so a restarted cluster (or one node) joins the same one. */
    private String clusterId() {
        Path file = directory.resolve("cluster.id");
        try {
            Files.createDirectories(directory);
            if (!Files.exists(file)) {
                Files.writeString(file, Uuid.randomUuid().toString());
            }
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new IllegalStateException("cannot keep the cluster id in " + file, e);
        }
    }

    private static ChildJvm node(
            Path home, int id, int port, int controller, String voters, int partitions, int size, String clusterId) {
        Path config = home.resolve("server.properties");
        Path logs = home.resolve("data");
        int replicas = replicasFor(size);
        int minInsync = minInsyncFor(size);
        try {
            Files.createDirectories(home);
            Files.writeString(
                    config,
                    String.join(
                                    "\n",
                                    "process.roles=broker,controller",
                                    "node.id=" + id,
                                    "controller.quorum.voters=" + voters,
                                    "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                                    "controller.listener.names=CONTROLLER",
                                    "inter.broker.listener.name=PLAINTEXT",
                                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                                    "log.dirs=" + logs,
                                    "num.partitions=" + partitions,
                                    "auto.create.topics.enable=false",
                                    "default.replication.factor=" + replicas,
                                    "min.insync.replicas=" + minInsync,
                                    "offsets.topic.replication.factor=" + replicas,
                                    "offsets.topic.num.partitions=6",
                                    "transaction.state.log.replication.factor=" + replicas,
                                    "transaction.state.log.min.isr=" + minInsync,
                                    "share.coordinator.state.topic.replication.factor=" + replicas,
                                    "share.coordinator.state.topic.min.isr=" + minInsync,
                                    "group.initial.rebalance.delay.ms=0",
                                    // a killed node's partitions get new leaders within seconds (defaults: 9 s, 18 s)
                                    "broker.heartbeat.interval.ms=1000",
                                    "broker.session.timeout.ms=6000",
                                    "")
                            + "\n");
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the broker's configuration", e);
        }
        List<String> jvm = List.of("-Xms256m", "-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
        if (!Files.exists(logs.resolve("meta.properties"))) {
            int exit = new ChildJvm(
                            "kafka-format-" + id,
                            jvm,
                            "kafka.tools.StorageTool",
                            List.of("format", "-t", clusterId, "-c", config.toString()),
                            home.resolve("format.log"))
                    .runToEnd(Duration.ofMinutes(2));
            if (exit != 0) {
                throw new IllegalStateException(
                        "formatting the broker's storage failed (" + exit + "); see " + home.resolve("format.log"));
            }
        }
        return new ChildJvm(
                size == 1 ? "kafka" : "kafka-" + id,
                jvm,
                "kafka.Kafka",
                List.of(config.toString()),
                home.resolve("broker.log"));
    }

    /** Three replicas where there are three nodes or more, else one per node. */
    public static int replicasFor(int nodes) {
        return Math.min(3, nodes);
    }

    /** One less than the replicas, at least one: an acknowledged write survives the loss of a node. */
    public static int minInsyncFor(int nodes) {
        return Math.max(1, replicasFor(nodes) - 1);
    }

    public int size() {
        return nodes.size();
    }

    public int replicas() {
        return replicasFor(size());
    }

    public int minInsync() {
        return minInsyncFor(size());
    }

    /** Every node's client address, comma-separated. */
    public String bootstrap() {
        return ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    public Path directory() {
        return directory;
    }

    /**
     * Starts every node that is not running and waits until all of them are in the cluster; creates {@code topics}
     * that are missing, with {@link #replicas()} replicas and {@link #minInsync()}.
     */
    public RestartableKafka start(Collection<String> topics, int partitions, Duration timeout) {
        nodes.stream().filter(n -> !n.alive()).forEach(ChildJvm::start);
        awaitNodes(size(), timeout);
        TopicCreator.create(bootstrap(), topics, partitions, (short) replicas(), minInsync(), timeout);
        return this;
    }

    /** SIGKILL to every node: no controlled shutdown, no flush; the next start recovers their logs. */
    public void kill() {
        nodes.forEach(ChildJvm::kill);
    }

    /** SIGKILL to node {@code id} (1-based) alone. */
    public void kill(int id) {
        nodes.get(id - 1).kill();
    }

    /** SIGTERM to node {@code id}: a controlled shutdown (its leaderships move first), as a rolling restart does. */
    public void stop(int id) {
        nodes.get(id - 1).stop(Duration.ofMinutes(1));
    }

    /**
     * Starts node {@code id} again and waits until it is back in the cluster and has caught up: every partition has
     * all its replicas in sync again (what an operator waits for before restarting the next node).
     */
    public void start(int id, Duration timeout) {
        nodes.get(id - 1).start();
        awaitNodes(size(), timeout);
        awaitInSync(timeout);
    }

    /** Whether every node is running. */
    public boolean alive() {
        return nodes.stream().allMatch(ChildJvm::alive);
    }

    public boolean alive(int id) {
        return nodes.get(id - 1).alive();
    }

    /** Each node's process id (-1: not running), in node order. */
    public List<Long> pids() {
        return nodes.stream().map(ChildJvm::pid).toList();
    }

    public List<Path> logs() {
        return nodes.stream().map(ChildJvm::log).toList();
    }

    /**
     * The node that leads the partitions holding the most records of {@code topics} (the busiest leader, whose loss
     * moves the most traffic); 1-based.
     */
    public int busiestLeader(Collection<String> topics, Duration timeout) {
        try (Admin admin = admin()) {
            Map<String, TopicDescription> described =
                    admin.describeTopics(topics).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, Integer> leader = new HashMap<>();
            described
                    .values()
                    .forEach(d -> d.partitions().forEach(p -> {
                        TopicPartition tp = new TopicPartition(d.name(), p.partition());
                        latest.put(tp, OffsetSpec.latest());
                        leader.put(tp, p.leader() == null ? -1 : p.leader().id());
                    }));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    admin.listOffsets(latest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<Integer, Long> records = new HashMap<>();
            ends.forEach((tp, end) -> records.merge(leader.get(tp), end.offset(), Long::sum));
            records.remove(-1);
            return records.entrySet().stream()
                    .max(Map.Entry.comparingByValue())
                    .map(Map.Entry::getKey)
                    .orElse(1);
        } catch (Exception e) {
            throw new IllegalStateException("cannot find the busiest leader", e);
        }
    }

    /** Until every partition of every topic has all its replicas in sync. */
    public void awaitInSync(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        try (Admin admin = admin()) {
            while (true) {
                String behind;
                try {
                    behind = underReplicated(admin);
                } catch (Exception notYet) {
                    behind = notYet.toString();
                }
                if (behind == null) {
                    return;
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("not all replicas in sync within " + timeout + ": " + behind);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(
                        Duration.ofMillis(250).toNanos()); // polling the cluster
            }
        }
    }

    private static String underReplicated(Admin admin) throws Exception {
        var names = admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
                .names()
                .get(10, TimeUnit.SECONDS);
        for (TopicDescription d : admin.describeTopics(names)
                .allTopicNames()
                .get(10, TimeUnit.SECONDS)
                .values()) {
            for (TopicPartitionInfo p : d.partitions()) {
                if (p.isr().size() < p.replicas().size()
                        || p.leader() == null
                        || p.leader().isEmpty()) {
                    return d.name() + "-" + p.partition() + " in sync "
                            + p.isr().stream().map(Node::id).toList() + " of "
                            + p.replicas().stream().map(Node::id).toList();
                }
            }
        }
        return null;
    }

    private Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                4000));
    }

    private void awaitNodes(int expected, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        try (Admin admin = admin()) {
            while (true) {
                for (ChildJvm node : nodes) {
                    if (!node.alive()) {
                        throw new IllegalStateException(node.name() + " exited; see " + node.log());
                    }
                }
                try {
                    int seen = admin.describeCluster()
                            .nodes()
                            .get(4, TimeUnit.SECONDS)
                            .size();
                    admin.listTopics().names().get(4, TimeUnit.SECONDS);
                    if (seen >= expected) {
                        return;
                    }
                } catch (Exception notYet) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException(
                                "the cluster did not answer within " + timeout + "; see " + logs(), notYet);
                    }
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("not all " + expected + " nodes joined within " + timeout);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(
                        Duration.ofMillis(250).toNanos()); // polling the cluster
            }
        }
    }

    @Override
    public void close() {
        kill();
    }
}
