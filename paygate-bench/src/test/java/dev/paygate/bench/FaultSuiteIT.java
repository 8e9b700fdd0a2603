package dev.paygate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fault scenario (docs/reliability.md), short: a few seconds of load around each fault, then the whole
 * reconciliation, which must find nothing lost, duplicated or over-refunded, no unexpected 5xx, no event or webhook
 * missing — on one broker with one instance of each service ({@code short}), and on a three-broker cluster with two
 * instances of each service and a PostgreSQL server per service ({@code cluster-short}: a broker, an instance of every
 * service and a frozen "zombie" instance). {@code -Dpaygate.faults=full} or {@code cluster} runs a long version
 * (that is what {@code ./faults} does).
 */
class FaultSuiteIT {

    static List<String> modes() {
        return List.of(
                System.getProperty("paygate.faults", "short,cluster-short").split(","));
    }

    @ParameterizedTest
    @MethodSource("modes")
    void everyScenarioReconcilesWithNothingLostDuplicatedOrMissing(String mode) throws Exception {
        FaultCatalogue.Settings settings = FaultCatalogue.Settings.of(mode);
        Path directory = Path.of("target", "faults-" + settings.name());

        // -Dpaygate.faults.only=a,b runs those scenarios alone (while working on one)
        List<String> only = System.getProperty("paygate.faults.only", "").isBlank()
                ? List.of()
                : List.of(System.getProperty("paygate.faults.only").split(","));
        List<FaultReport.Row> rows = FaultSuite.run(settings, only, directory);

        String table = FaultReport.table(settings, rows);
        System.out.println(table);
        Files.writeString(directory.resolve("report-" + settings.name() + ".md"), table);
        assertThat(rows)
                .extracting(FaultReport.Row::scenario)
                .containsExactlyElementsOf(settings.faults().stream()
                        .map(FaultCatalogue.Fault::name)
                        .filter(n -> only.isEmpty() || only.contains(n))
                        .toList());
        assertThat(rows).as(table).allMatch(FaultReport.Row::clean);
        assertThat(rows).as("the load was accepted in every scenario").allMatch(r -> r.accepted() > 0);
    }
}
