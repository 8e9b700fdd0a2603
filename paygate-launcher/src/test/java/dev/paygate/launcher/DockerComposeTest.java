package dev.paygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml can't run here (no Docker engine), so it is kept honest another way: every service is
 * built from a module of this repo, and every variable it sets is one that the service really reads — a
 * {@code ${NAME} placeholder in its configuration or a lookup in its code or the shared support code.
 */
class DockerComposeTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    @SuppressWarnings("unchecked")
    void everyVariableIsReadByTheServiceItIsSetOn() throws IOException {
        Map<String, Object> compose;
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(100);
        try (Reader in = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
            compose = new Yaml(options).load(in);
        }
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        List<String> built = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> entry : services.entrySet()) {
            String name = entry.getKey();
            Map<String, Object> service = entry.getValue();
            if (!service.containsKey("build")) {
                continue;
            }
            built.add(name);
            Map<String, Object> build = (Map<String, Object>) service.get("build");
            String module = (String) ((Map<String, Object>) build.get("args")).get("MODULE");
            assertThat(module).isEqualTo(name);
            assertThat(ROOT.resolve(module).resolve("pom.xml")).exists();
            String readable = sources(ROOT.resolve(module)) + sources(ROOT.resolve("paygate-service-support"));
            Map<String, Object> environment = (Map<String, Object>) service.get("environment");
            assertThat(environment).isNotEmpty();
            environment.keySet().forEach(variable -> assertThat(readable)
                    .as("%s sets %s, which it must read", name, variable)
                    .containsAnyOf("${" + variable + ":", "${" + variable + "}", "\"" + variable + "\""));
        }
        assertThat(built).containsExactlyInAnyOrder("gateway-api", "payment-service", "refund-service",
                "webhook-dispatcher");
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
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) load("docker-compose.yml")
                .get("services");
        Map<String, Object> prometheus = services.get("prometheus");
        assertThat(prometheus).as("a prometheus service").isNotNull();
        assertThat((String) prometheus.get("image")).startsWith("prom/prometheus:");
        List<String> volumes = (List<String>) prometheus.get("volumes");
        String config = volumes.stream().filter(v -> v.endsWith(":/etc/prometheus/prometheus.yml:ro")).findFirst()
                .orElseThrow(() -> new AssertionError("no config mounted at /etc/prometheus/prometheus.yml: " + volumes));
        assertThat(String.valueOf(prometheus.get("command"))).contains("--config.file=/etc/prometheus/prometheus.yml");
        String configFile = config.substring(0, config.indexOf(':')).replaceFirst("^\\./", "");
        assertThat(ROOT.resolve(configFile)).exists();

        Map<String, String> expected = new java.util.TreeMap<>();
        for (Map.Entry<String, Map<String, Object>> entry : services.entrySet()) {
            if (!entry.getValue().containsKey("build")) {
                continue;
            }
            Map<String, Object> environment = (Map<String, Object>) entry.getValue().get("environment");
            List<String> ports = environment.entrySet().stream()
                    .filter(e -> e.getKey().matches("PAYGATE_([A-Z]+_)?PORT")).map(e -> String.valueOf(e.getValue()))
                    .toList();
            assertThat(ports).as("%s sets the port it listens on", entry.getKey()).hasSize(1);
            expected.put(entry.getKey() + ":" + ports.get(0), "/actuator/prometheus");
        }
        Map<String, String> scraped = new java.util.TreeMap<>();
        for (Map<String, Object> job : (List<Map<String, Object>>) load(configFile).get("scrape_configs")) {
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
                    .filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".java")).toList()) {
                all.append(Files.readString(file)).append('\n');
            }
        }
        return all.toString();
    }
}
