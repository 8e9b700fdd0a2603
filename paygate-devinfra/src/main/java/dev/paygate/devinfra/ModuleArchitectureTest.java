package dev.paygate.devinfra;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;

/**
 * The {@link ArchitectureRules} as tests: a module's {@code ArchitectureTest} extends this and names its root package.
 * A violation names the classes and the edge.
 */
public abstract class ModuleArchitectureTest {

    private final String root;
    private final JavaClasses classes;

    protected ModuleArchitectureTest(String root) {
        this.root = root;
        this.classes = ArchitectureRules.mainClasses(root);
    }

    protected String root() {
        return root;
    }

    protected JavaClasses classes() {
        return classes;
    }

    @Test
    void featurePackagesHaveNoCycles() {
        ArchitectureRules.noCyclesBetweenFeaturePackages(root).check(classes);
    }

    @Test
    void domainIsPlainJava() {
        ArchitectureRules.domainIsPlainJava(root).check(classes);
    }

    @Test
    void usesNoOtherService() {
        ArchitectureRules.usesNoOtherService(root).check(classes);
    }
}
