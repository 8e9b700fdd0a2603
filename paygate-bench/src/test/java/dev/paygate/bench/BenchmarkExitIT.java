package dev.paygate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed run ends its JVM at once with a clear error: {@code ./bench} on a database it can't reach starts its
 * embedded Kafka broker (whose threads would keep the JVM alive for minutes), fails, and must exit non-zero by itself.
 */
class BenchmarkExitIT {

    @Test
    void aRunThatFailsExitsAtOnceWithItsError(@TempDir Path dir) throws Exception {
        Path output = dir.resolve("bench.log");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Benchmark.class.getName(),
                        "--payments=1",
                        "--raw-duration=1s"))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        // a PostgreSQL nobody listens on: Kafka starts embedded, the database is never reached
        builder.environment().put("PAYGATE_DB_URL", "jdbc:postgresql://127.0.0.1:1/nowhere");
        builder.environment().remove("PAYGATE_KAFKA_BOOTSTRAP");
        Process bench = builder.start();

        boolean exited = bench.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            bench.destroyForcibly();
        }

        assertThat(exited)
                .as("exited by itself; output:%n%s", Files.readString(output))
                .isTrue();
        assertThat(bench.exitValue()).isEqualTo(3);
        assertThat(Files.readString(output)).contains("[bench] failed: ");
    }
}
