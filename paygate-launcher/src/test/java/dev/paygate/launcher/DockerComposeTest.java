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
