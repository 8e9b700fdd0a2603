package dev.paygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml can't run here (no Docker engine), so it is kept honest another way: every service is
 * built from a module of this repo, and every variable it sets is one that the service really reads — a
 * {@code ${NAME} placeholder in its configuration or a lookup in its code or the shared support code. The same
 * holds for docker-compose.cluster.yml, whose tests also pin down its shape: three brokers, two instances of every
 * service, a database server per service, and nginx as the one way in.
 */
class DockerComposeTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void everyVariableIsReadByTheServiceItIsSetOn() throws IOException {
        Map<String, Map<String, Object>> built = built(services("docker-compose.yml"));
        built.forEach((name, service) -> assertBuiltFromItsModuleAndReadsWhatItIsSet(name, name, service));
        assertThat(built.keySet())
                .containsExactlyInAnyOrder("gateway-api", "payment-service", "refund-service", "webhook-dispatcher");
        assertThat(ROOT.resolve("Dockerfile")).exists();
    }

    /**
     * The prometheus service scrapes exactly the four services, each by its compose name on the port it is told to
     * listen on (actuator shares the server port), at the path where actuator exposes Prometheus metrics; and the
     * config it is given is the committed one.
     */
    @Test
    @SuppressWarnings("unchecked")
    void prometheusScrapesEveryServiceOnItsPortAndPath() throws IOException {
        Map<String, Map<String, Object>> services =
                (Map<String, Map<String, Object>>) load("docker-compose.yml").get("services");
        Map<String, Object> prometheus = services.get("prometheus");
        assertThat(prometheus).as("a prometheus service").isNotNull();
        assertThat((String) prometheus.get("image")).startsWith("prom/prometheus:");
        List<String> volumes = (List<String>) prometheus.get("volumes");
        String config = volumes.stream()
                .filter(v -> v.endsWith(":/etc/prometheus/prometheus.yml:ro"))
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError("no config mounted at /etc/prometheus/prometheus.yml: " + volumes));
        assertThat(String.valueOf(prometheus.get("command"))).contains("--config.file=/etc/prometheus/prometheus.yml");
        String configFile = config.substring(0, config.indexOf(':')).replaceFirst("^\\./", "");
        assertThat(ROOT.resolve(configFile)).exists();

        Map<String, String> expected = new java.util.TreeMap<>();
        for (Map.Entry<String, Map<String, Object>> entry : services.entrySet()) {
            if (!entry.getValue().containsKey("build")) {
                continue;
            }
            Map<String, Object> environment =
                    (Map<String, Object>) entry.getValue().get("environment");
            List<String> ports = environment.entrySet().stream()
                    .filter(e -> e.getKey().matches("PAYGATE_([A-Z]+_)?PORT"))
                    .map(e -> String.valueOf(e.getValue()))
                    .toList();
            assertThat(ports)
                    .as("%s sets the port it listens on", entry.getKey())
                    .hasSize(1);
            expected.put(entry.getKey() + ":" + ports.get(0), "/actuator/prometheus");
        }
        Map<String, String> scraped = new java.util.TreeMap<>();
        for (Map<String, Object> job :
                (List<Map<String, Object>>) load(configFile).get("scrape_configs")) {
            String path = (String) job.getOrDefault("metrics_path", "/metrics");
            for (Map<String, Object> group : (List<Map<String, Object>>) job.get("static_configs")) {
                for (String target : (List<String>) group.get("targets")) {
                    scraped.put(target, path);
                }
            }
        }
        assertThat(scraped).isEqualTo(expected);
        assertThat(expected).hasSize(4);
        // actuator serves that path only if prometheus is exposed (set for every service by the shared support)
        assertThat(sources(ROOT.resolve("paygate-service-support")))
                .containsPattern("management.endpoints.web.exposure.include\", \"[a-z,]*prometheus");
    }

    // docker-compose.cluster.yml: the production-like shape (docs/scaling-out.md), which must not quietly shrink back
    // into a single point of failure or lose durability

    static final String CLUSTER = "docker-compose.cluster.yml";
    static final List<String> MODULES =
            List.of("gateway-api", "payment-service", "refund-service", "webhook-dispatcher");

    /** Each instance {@code <module>-N} is built from {@code <module>} and reads every variable it is set. */
    @Test
    void clusterInstancesAreBuiltFromTheirModuleAndReadWhatTheyAreSet() throws IOException {
        Map<String, Map<String, Object>> built = built(services(CLUSTER));
        assertThat(built).isNotEmpty();
        built.forEach((name, service) -> {
            assertThat(name).as("an instance is named <module>-N").matches(".+-\\d+");
            assertBuiltFromItsModuleAndReadsWhatItIsSet(name, moduleOf(name), service);
        });
    }

    @Test
    void clusterRunsTwoInstancesOfEveryService() throws IOException {
        Map<String, List<String>> instances = instances(built(services(CLUSTER)));
        assertThat(instances.keySet()).containsExactlyInAnyOrderElementsOf(MODULES);
        instances.forEach((module, names) ->
                assertThat(names).as(module).containsExactlyInAnyOrder(module + "-1", module + "-2"));
    }

    /**
     * Three brokers, each a controller too, in one cluster, keeping Kafka's own topics at three replicas with two in
     * sync; every service reaches all three, waits for them, and creates and checks its topics with the same rule.
     */
    @Test
    @SuppressWarnings("unchecked")
    void clusterKafkaHasThreeBrokersAndEveryServiceWritesToThreeReplicasWithTwoInSync() throws IOException {
        Map<String, Map<String, Object>> services = services(CLUSTER);
        Map<String, Map<String, Object>> brokers = new TreeMap<>();
        services.forEach((name, service) -> {
            if (String.valueOf(service.get("image")).startsWith("apache/kafka:")) {
                brokers.put(name, environment(service));
            }
        });
        assertThat(brokers.keySet()).containsExactly("kafka-1", "kafka-2", "kafka-3");

        Set<String> addresses = new TreeSet<>();
        Set<String> voters = new TreeSet<>();
        Set<String> clusterIds = new TreeSet<>();
        brokers.forEach((name, env) -> {
            String id = String.valueOf(env.get("KAFKA_NODE_ID"));
            assertThat(String.valueOf(env.get("KAFKA_PROCESS_ROLES"))).as(name).isEqualTo("broker,controller");
            assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).as(name).isEqualTo("PLAINTEXT://" + name + ":9092");
            addresses.add(name + ":9092");
            voters.add(id + "@" + name + ":9093");
            clusterIds.add(String.valueOf(env.get("CLUSTER_ID")));
            assertThat(env)
                    .as(name)
                    .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2")
                    .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2")
                    .containsEntry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
            assertThat(services.get(name)).as("%s has a healthcheck", name).containsKey("healthcheck");
        });
        assertThat(voters).as("three different node ids").hasSize(3);
        brokers.forEach((name, env) -> assertThat(Set.of(String.valueOf(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"))
                        .split(",")))
                .as("%s's quorum voters", name)
                .isEqualTo(voters));
        assertThat(clusterIds).as("one cluster id").singleElement().asString().isNotBlank();

        built(services).forEach((name, service) -> {
            Map<String, Object> env = environment(service);
            assertThat(Set.of(String.valueOf(env.get("PAYGATE_KAFKA_BOOTSTRAP")).split(",")))
                    .as("%s's bootstrap", name)
                    .isEqualTo(addresses);
            assertThat(env)
                    .as(name)
                    .containsEntry("PAYGATE_KAFKA_REPLICATION_FACTOR", "3")
                    .containsEntry("PAYGATE_KAFKA_MIN_INSYNC_REPLICAS", "2")
                    .doesNotContainEntry("PAYGATE_KAFKA_CHECK_DURABILITY", "false");
            Map<String, Object> dependsOn = (Map<String, Object>) service.get("depends_on");
            brokers.keySet()
                    .forEach(broker -> assertThat(dependsOn)
                            .as("%s waits for %s", name, broker)
                            .containsEntry(broker, Map.of("condition", "service_healthy")));
        });
    }

    /** One PostgreSQL server per service, shared by that service's instances, which wait for it to be healthy. */
    @Test
    @SuppressWarnings("unchecked")
    void clusterGivesEachServiceADatabaseServerOfItsOwnSharedByItsInstances() throws IOException {
        Map<String, Map<String, Object>> services = services(CLUSTER);
        Map<String, Set<String>> hostsByModule = new TreeMap<>();
        built(services).forEach((name, service) -> {
            Map<String, Object> env = environment(service);
            // a service-specific PAYGATE_<SERVICE>_DB_URL wins over PAYGATE_DB_URL
            String url = env.entrySet().stream()
                    .filter(e -> e.getKey().matches("PAYGATE_[A-Z]+_DB_URL"))
                    .map(e -> String.valueOf(e.getValue()))
                    .findFirst()
                    .orElse(String.valueOf(env.get("PAYGATE_DB_URL")));
            Matcher m = Pattern.compile("jdbc:postgresql://([^:/]+)(:\\d+)?/.*").matcher(url);
            assertThat(m.matches()).as("%s's database URL %s", name, url).isTrue();
            String host = m.group(1);
            hostsByModule.computeIfAbsent(moduleOf(name), k -> new TreeSet<>()).add(host);
            Map<String, Object> server = services.get(host);
            assertThat(server)
                    .as("%s's database server %s is a compose service", name, host)
                    .isNotNull();
            assertThat(String.valueOf(server.get("image"))).startsWith("postgres:");
            assertThat(server).as("%s has a healthcheck", host).containsKey("healthcheck");
            assertThat((Map<String, Object>) service.get("depends_on"))
                    .as("%s waits for %s", name, host)
                    .containsEntry(host, Map.of("condition", "service_healthy"));
        });
        assertThat(hostsByModule.keySet()).containsExactlyInAnyOrderElementsOf(MODULES);
        hostsByModule.forEach((module, hosts) ->
                assertThat(hosts).as("%s's instances share one server", module).hasSize(1));
        assertThat(hostsByModule.values().stream()
                        .map(hosts -> hosts.iterator().next())
                        .distinct())
                .as("a server per service")
                .hasSize(MODULES.size());
    }

    /**
     * A URL that points at a service names every instance of it, on the port that service listens on, so a request
     * can go to either and fail over to the other.
     */
    @Test
    void clusterServiceUrlsNameEveryInstance() throws IOException {
        Map<String, Map<String, Object>> built = built(services(CLUSTER));
        Map<String, List<String>> instances = instances(built);
        Map<String, Set<String>> pointsAt = new TreeMap<>();
        built.forEach((name, service) -> environment(service).forEach((variable, value) -> {
            if (!variable.matches("PAYGATE_\\w+_URL") || variable.endsWith("_DB_URL")) {
                return;
            }
            Set<String> hosts = new TreeSet<>();
            Set<String> modules = new TreeSet<>();
            for (String url : String.valueOf(value).split(",")) {
                URI uri = URI.create(url.strip());
                assertThat(built)
                        .as("%s's %s: %s is a service of this file", name, variable, uri.getHost())
                        .containsKey(uri.getHost());
                assertThat(uri.getPort())
                        .as("%s's %s: %s", name, variable, url)
                        .isEqualTo(port(built.get(uri.getHost())));
                hosts.add(uri.getHost());
                modules.add(moduleOf(uri.getHost()));
            }
            assertThat(modules)
                    .as("%s's %s points at one service", name, variable)
                    .hasSize(1);
            String target = modules.iterator().next();
            assertThat(hosts)
                    .as("%s's %s names every instance of %s", name, variable, target)
                    .containsExactlyInAnyOrderElementsOf(instances.get(target));
            pointsAt.computeIfAbsent(moduleOf(name) + " " + variable, k -> new TreeSet<>())
                    .add(target);
        }));
        assertThat(pointsAt)
                .containsOnlyKeys(
                        "gateway-api PAYGATE_PAYMENT_URL",
                        "gateway-api PAYGATE_REFUND_URL",
                        "gateway-api PAYGATE_WEBHOOK_URL",
                        "refund-service PAYGATE_PAYMENT_URL");
    }

    /**
     * Merchants reach the gateways only through nginx, whose committed config balances over both instances, keeps
     * connections to them open, and tries the other instance only on a connection error or timeout (never on a
     * gateway's 502/503, never re-sending a POST).
     */
    @Test
    @SuppressWarnings("unchecked")
    void clusterNginxIsTheOneEntryPointOverBothGateways() throws IOException {
        Map<String, Map<String, Object>> services = services(CLUSTER);
        Map<String, Map<String, Object>> built = built(services);
        built.forEach((name, service) ->
                assertThat(service).as("%s is reached through nginx only", name).doesNotContainKey("ports"));
        Map<String, Object> nginx = services.get("gateway");
        assertThat(nginx).as("a gateway service").isNotNull();
        assertThat(String.valueOf(nginx.get("image"))).startsWith("nginx:");
        assertThat((List<String>) nginx.get("ports")).containsExactly("8080:8080");
        List<String> volumes = (List<String>) nginx.get("volumes");
        assertThat(volumes).containsExactly("./docs/compose/nginx-cluster.conf:/etc/nginx/conf.d/default.conf:ro");
        Path file = ROOT.resolve("docs/compose/nginx-cluster.conf");
        assertThat(file).exists();
        // directives only: the comments may well name what must not be configured
        String config = Files.readString(file).replaceAll("#[^\\n]*", "");

        Matcher upstream = Pattern.compile("upstream\\s+(\\w+)\\s*\\{([^}]*)}").matcher(config);
        assertThat(upstream.find()).as("an upstream block").isTrue();
        Set<String> servers = new TreeSet<>();
        Matcher server = Pattern.compile("server\\s+([\\w.-]+:\\d+)").matcher(upstream.group(2));
        while (server.find()) {
            servers.add(server.group(1));
        }
        Set<String> gateways = new TreeSet<>();
        instances(built).get("gateway-api").forEach(g -> gateways.add(g + ":" + port(built.get(g))));
        assertThat(servers).isEqualTo(gateways).hasSize(2);
        assertThat(upstream.group(2)).containsPattern("keepalive\\s+\\d+;");
        assertThat(config)
                .contains("proxy_pass http://" + upstream.group(1) + ";")
                .containsPattern("proxy_http_version\\s+1\\.1;")
                .containsPattern("proxy_set_header\\s+Connection\\s+\"\";");
        Matcher next = Pattern.compile("proxy_next_upstream\\s+([^;]*);").matcher(config);
        assertThat(next.find()).as("proxy_next_upstream is set").isTrue();
        do {
            assertThat(next.group(1).split("\\s+")).containsExactlyInAnyOrder("error", "timeout");
        } while (next.find());
    }

    private static void assertBuiltFromItsModuleAndReadsWhatItIsSet(
            String name, String expectedModule, Map<String, Object> service) {
        String module = module(service);
        assertThat(module).isEqualTo(expectedModule);
        assertThat(ROOT.resolve(module).resolve("pom.xml")).exists();
        String readable;
        try {
            readable = sources(ROOT.resolve(module)) + sources(ROOT.resolve("paygate-service-support"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> environment = environment(service);
        assertThat(environment).isNotEmpty();
        environment
                .keySet()
                .forEach(variable -> assertThat(readable)
                        .as("%s sets %s, which it must read", name, variable)
                        .containsAnyOf("${" + variable + ":", "${" + variable + "}", "\"" + variable + "\""));
    }

    /** An instance's module: its name without the {@code -N} suffix. */
    private static String moduleOf(String instance) {
        return instance.replaceFirst("-\\d+$", "");
    }

    @SuppressWarnings("unchecked")
    private static String module(Map<String, Object> service) {
        Map<String, Object> build = (Map<String, Object>) service.get("build");
        return (String) ((Map<String, Object>) build.get("args")).get("MODULE");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(Map<String, Object> service) {
        return (Map<String, Object>) service.get("environment");
    }

    /** The port a service is told to listen on ({@code PAYGATE_PORT} or {@code PAYGATE_<SERVICE>_PORT}). */
    private static int port(Map<String, Object> service) {
        List<Integer> ports = environment(service).entrySet().stream()
                .filter(e -> e.getKey().matches("PAYGATE_([A-Z]+_)?PORT"))
                .map(e -> Integer.parseInt(String.valueOf(e.getValue())))
                .toList();
        assertThat(ports).hasSize(1);
        return ports.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services(String file) throws IOException {
        return (Map<String, Map<String, Object>>) load(file).get("services");
    }

    /** The services built from this repo (the rest are images), by name, in file order. */
    private static Map<String, Map<String, Object>> built(Map<String, Map<String, Object>> services) {
        Map<String, Map<String, Object>> built = new LinkedHashMap<>();
        services.forEach((name, service) -> {
            if (service.containsKey("build")) {
                built.put(name, service);
            }
        });
        return built;
    }

    /** The built services' names by the module they are built from. */
    private static Map<String, List<String>> instances(Map<String, Map<String, Object>> built) {
        Map<String, List<String>> instances = new TreeMap<>();
        built.forEach((name, service) -> instances
                .computeIfAbsent(module(service), k -> new ArrayList<>())
                .add(name));
        return instances;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> load(String file) throws IOException {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(100);
        try (Reader in = Files.newBufferedReader(ROOT.resolve(file))) {
            return new Yaml(options).load(in);
        }
    }

    private static String sources(Path module) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(module.resolve("src/main"))) {
            for (Path file : files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".java"))
                    .toList()) {
                all.append(Files.readString(file)).append('\n');
            }
        }
        return all.toString();
    }
}
