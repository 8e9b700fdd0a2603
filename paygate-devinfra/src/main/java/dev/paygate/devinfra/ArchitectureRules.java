package dev.paygate.devinfra;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.List;
import java.util.Set;

/**
 * The structure every module keeps, checked by its {@code ArchitectureTest} in {@code ./mvnw verify} (ArchUnit, on
 * the compiled main classes of the module's root package):
 * <ul>
 *   <li>its feature packages ({@code <root>.<feature>..}) have no cycles between them;</li>
 *   <li>its {@code domain} packages are plain Java: no Spring, no Reactor, no database, Kafka or network;</li>
 *   <li>it uses no other service, nor the test and tooling modules, nor the merchant's {@code paygate-client}:
 *       services share only {@code paygate-contracts},
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
            "dev.paygate.launcher",
            "dev.paygate.client"); // the merchant's side: what a service knows of the API is its own code

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

    /** The module's main and test classes under {@code root} (not any jar): who uses a main class includes its tests. */
    public static JavaClasses mainAndTestClasses(String root) {
        return new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(root);
    }

    /**
     * In a service, a public type is one another package uses (its main code or its tests): the rest are
     * package-private, so what a package offers is what its public types are. (Nothing outside a service uses it:
     * {@link #usesNoOtherService}.) Excepted: the application class (public for the launcher), a type in an
     * {@code internal} package, and a holder of constants only (javac copies constants into their users, so no use
     * of them shows in the classes). Check it on {@link #mainAndTestClasses}.
     */
    public static ArchRule publicOnlyWhatOtherPackagesUse(String root, JavaClasses all) {
        return classes()
                .that(new DescribedPredicate<JavaClass>("are main classes") {
                    @Override
                    public boolean test(JavaClass type) {
                        return type.getSource()
                                .map(source -> !source.getUri().toString().contains("/test-classes/"))
                                .orElse(true);
                    }
                })
                .and()
                .resideInAPackage(root + "..")
                .and()
                .resideOutsideOfPackage("..internal..")
                .and()
                .arePublic()
                .and()
                .areTopLevelClasses()
                .and()
                .haveSimpleNameNotEndingWith("Application")
                .should(beUsedFromAnotherPackage(all))
                .because("a type only its own package uses is an internal of that package: package-private keeps it "
                        + "out of the others' reach and out of a newcomer's way");
    }

    private static ArchCondition<JavaClass> beUsedFromAnotherPackage(JavaClasses all) {
        return new ArchCondition<>("be used from another package") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                if (constantsOnly(type)) {
                    return;
                }
                // a use of a nested type (RefundDecision.Accepted) is a use of the type around it
                boolean used = all.stream()
                        .filter(c -> c.equals(type) || c.getName().startsWith(type.getName() + "$"))
                        .flatMap(c -> c.getDirectDependenciesToSelf().stream())
                        .anyMatch(d -> !d.getOriginClass().getPackageName().equals(type.getPackageName()));
                if (!used) {
                    events.add(SimpleConditionEvent.violated(
                            type,
                            type.getName() + " is public, but no other package uses it: make it package-private"));
                }
            }
        };
    }

    private static boolean constantsOnly(JavaClass type) {
        return !type.getFields().isEmpty()
                && type.getFields().stream()
                        .allMatch(f -> f.getModifiers().containsAll(Set.of(JavaModifier.STATIC, JavaModifier.FINAL)))
                && type.getMethods().stream().allMatch(m -> m.getModifiers().contains(JavaModifier.STATIC));
    }
}
