package dev.paygate.refund;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.paygate.devinfra.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The structure this module keeps (see {@link ArchitectureRules}); a violation names the classes and the edge. */
class ArchitectureTest {

    private static final String ROOT = "dev.paygate.refund";
    private static final JavaClasses CLASSES = ArchitectureRules.mainClasses(ROOT);

    @Test
    void featurePackagesHaveNoCycles() {
        ArchitectureRules.noCyclesBetweenFeaturePackages(ROOT).check(CLASSES);
    }

    @Test
    void domainIsPlainJava() {
        ArchitectureRules.domainIsPlainJava(ROOT).check(CLASSES);
    }

    @Test
    void usesNoOtherService() {
        ArchitectureRules.usesNoOtherService(ROOT).check(CLASSES);
    }
}
