package dev.paygate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The benchmark still works: a few seconds of the mixed load on a stack of its own, and its correctness check passes.
 * No speed is asserted here; speed is what the benchmark prints (docs/performance.md).
 */
class BenchmarkSmokeIT {

    @Test
    void aShortMixedRunPassesItsCorrectnessCheck(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("report.json");
        BenchConfig config = BenchConfig.parse(new String[] {
            "--payments=8",
            "--concurrency=4",
            "--warmup=1s",
            // long enough that each kind of the mix is measured: in 3 s (about 24 changes, 15 % of them cancels) a
            // run had no cancel about once in fifty, and the latency table below then lacked its row
            "--duration=8s",
            "--drain=60s",
            "--raw-duration=1s",
            "--mix=mixed",
            "--json=" + json
        });

        Report report = Benchmark.run(config);
        Files.writeString(json, report.json());

        System.out.println(report.table());
        assertThat(report.correct()).as("%s", report.correctness()).isTrue();
        JsonNode written = dev.paygate.contracts.json.PaygateJson.wire().readTree(Files.readString(json));
        assertThat(written.get("database").get("synchronous_commit").asString()).isEqualTo("on");
        assertThat(written.get("raw").get("transactionsPerSecond").asDouble()).isPositive();
        assertThat(written.get("chain").get("apiLatencyMs").propertyNames()).contains("refund", "cancel", "expire");
        assertThat(written.get("chain").get("requestToWebhookMs").get("count").asLong())
                .isPositive();
        assertThat(written.get("correctness").get("acceptedChanges").asLong()).isPositive();
    }

    @Test
    void argumentsAreCheckedBeforeAnythingStarts() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BenchConfig.parse(new String[] {"--rat=5"}))
                .hasMessageContaining("unknown arguments [rat]");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BenchConfig.parse(new String[] {"--mix=chaos"}))
                .hasMessageContaining("--mix");
        assertThat(BenchConfig.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(BenchConfig.duration("2m")).isEqualTo(Duration.ofMinutes(2));
    }
}
