package dev.paygate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * {@code ./bench --soak} still works: a short soak samples every table retention bounds (and the kept ones) and
 * prints them with each interval's throughput; its correctness check passes. The 20-minute run is in docs/performance.md.
 */
class SoakSmokeIT {

    @Test
    void aShortSoakPrintsEveryTableAtStartMiddleAndEnd() throws Exception {
        BenchConfig config = BenchConfig.parse(new String[] {
            "--soak=30s", "--warmup=5s", "--rate=10", "--mix=mixed", "--payments=8", "--drain=60s", "--raw-duration=1s"
        });

        Report report = Benchmark.run(config);

        String table = report.table();
        System.out.println(table);
        assertThat(report.correct()).as("%s", report.correctness()).isTrue();
        assertThat(table).contains("Soak: windows outbox 2 min, inbox 3 min, webhook events 3 min");
        for (String t : Soak.TABLES.keySet()) {
            assertThat(table)
                    .containsPattern(
                            "\\| " + t.replace(".", "\\.") + " \\| (yes|no \\(kept\\)) \\| \\d+ \\| \\d+ \\| \\d+ \\|");
        }
        // rows were written while it ran: the last sample shows them
        assertThat(table).containsPattern("\\| refund\\.refunds \\| no \\(kept\\) \\| \\d+ \\| \\d+ \\| [1-9]\\d* \\|");
        assertThat(table).contains("| interval ending | accepted/s | API p50 ms | API p99 ms |");
    }

    @Test
    void aSoakRunsItsOwnStack() {
        assertThatThrownBy(() -> BenchConfig.parse(new String[] {"--soak=20m", "--url=http://localhost:8080"}))
                .hasMessageContaining("--soak starts a stack of its own");
        assertThat(BenchConfig.parse(new String[] {"--soak=20m"}).warmup()).isEqualTo(Soak.STEADY_AFTER);
        assertThat(BenchConfig.parse(new String[] {"--soak=20m"}).duration())
                .isEqualTo(java.time.Duration.ofMinutes(20));
    }
}
