package dev.paygate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every fault scenario (README "Reliability"), short: a few seconds of load around each fault, then the whole
 * reconciliation, which must find nothing lost, duplicated or over-refunded, no unexpected 5xx, no event or webhook
 * missing. {@code -Dpaygate.faults=full} runs the long version (that is what {@code ./faults} does).
 */
class FaultSuiteIT {

    @Test
    void everyScenarioReconcilesWithNothingLostDuplicatedOrMissing() throws Exception {
        FaultSuite.Settings settings = FaultSuite.Settings.of(System.getProperty("paygate.faults", "short"));
        Path directory = Path.of("target", "faults");

        // -Dpaygate.faults.only=a,b runs those scenarios alone (while working on one)
        List<String> only = System.getProperty("paygate.faults.only", "").isBlank() ? List.of()
                : List.of(System.getProperty("paygate.faults.only").split(","));
        List<FaultSuite.Row> rows = FaultSuite.run(settings, only, directory);

        String table = FaultSuite.table(settings, rows);
        System.out.println(table);
        Files.writeString(directory.resolve("report-" + settings.name() + ".md"), table);
        assertThat(rows).extracting(FaultSuite.Row::scenario).containsExactlyElementsOf(
                FaultSuite.FAULTS.stream().map(FaultSuite.Fault::name).filter(n -> only.isEmpty() || only.contains(n))
                        .toList());
        assertThat(rows).as(table).allMatch(FaultSuite.Row::clean);
        assertThat(rows).as("the load was accepted in every scenario").allMatch(r -> r.accepted() > 0);
    }
}
