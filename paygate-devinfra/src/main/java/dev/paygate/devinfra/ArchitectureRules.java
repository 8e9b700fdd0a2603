package dev.paygate.devinfra;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

/**
 * The structure every module keeps, checked by its {@code ArchitectureTest} in {@code ./mvnw verify} (ArchUnit, on
 * the compiled main classes of the module's root package):
 * <ul>
 *   <li>its feature packages ({@code <root>.<feature>..}) have no cycles between them;</li>
 *   <li>its {@code domain} packages are plain Java: no Spring, no Reactor, no database, Kafka or network;</li>
 *   <li>it uses no other service, nor the test and tooling modules: services share only {@code paygate-contracts},
 *       {@code paygate-service-support} and {@code paygate-acquirer}.</li>
 * </ul>
 */
public final class ArchitectureRules {

    /** The root packages of the modules a service must never use. */
    static final List<String> SERVICES_AND_TOOLS = List.of(
            "dev.paygate.gateway",
            "dev.paygate.payment",
            "dev.paygate.refund",
            "dev.paygate.webhook",
            "dev.paygate.devinfra",
            "dev.paygate.bench",
            "dev.paygate.launcher");

    private ArchitectureRules() {}

    /** The module's main classes under {@code root} (not its tests, nor any jar). */
    public static JavaClasses mainClasses(String root) {
        return new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(root);
    }

    public static ArchRule noCyclesBetweenFeaturePackages(String root) {
        return slices().matching(root + ".(*)..")
                .namingSlices("feature package $1")
                .should()
                .beFreeOfCycles()
                .because("a feature package that needs another must not be needed by it: move what both use, or "
                        + "hand it over as a value");
    }

    public static ArchRule domainIsPlainJava(String root) {
        return noClasses()
                .that()
                .resideInAPackage(root + "..domain..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.springframework..",
                        "reactor..",
                        "io.r2dbc..",
                        "java.sql..",
                        "java.net..",
                        "org.apache.kafka..",
                        "io.micrometer..")
                .because("the rules in domain are tested as plain Java; stores, listeners and controllers apply them")
                .allowEmptyShould(true);
    }

    public static ArchRule usesNoOtherService(String root) {
        return noClasses()
                .that()
                .resideInAPackage(root + "..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(SERVICES_AND_TOOLS.stream()
                        .filter(other -> !other.equals(root))
                        .map(other -> other + "..")
                        .toArray(String[]::new))
                .because("services talk over Kafka topics and internal HTTP APIs and share only contracts, support "
                        + "and the acquirer client");
    }
}
