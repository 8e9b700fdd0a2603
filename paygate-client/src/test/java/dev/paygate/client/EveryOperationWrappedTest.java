package dev.paygate.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every operation of the merchant's API has a method in the wrapper, so none is left to the generated classes alone
 * (without keys and retries): an operation added to the API fails this test until the wrapper has it too.
 */
class EveryOperationWrappedTest {

    @Test
    void everyApi2OperationOfTheServedDocumentIsCalledByTheWrapper() throws IOException {
        JsonNode document =
                new ObjectMapper().readTree(Path.of("../docs/openapi.json").toFile());
        Set<String> operations = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (path.getKey().startsWith("/api2/")) {
                path.getValue()
                        .forEach(operation ->
                                operations.add(operation.get("operationId").asText()));
            }
        }

        Set<String> wrapped = new TreeSet<>();
        Pattern call = Pattern.compile("api\\.(\\w+)WithHttpInfo\\(");
        try (Stream<Path> sources = Files.list(Path.of("src/main/java/dev/paygate/client"))) {
            for (Path source :
                    sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = call.matcher(Files.readString(source));
                while (m.find()) {
                    wrapped.add(m.group(1));
                }
            }
        }

        assertThat(operations).hasSizeGreaterThanOrEqualTo(26);
        assertThat(wrapped).containsExactlyInAnyOrderElementsOf(operations);
    }
}
