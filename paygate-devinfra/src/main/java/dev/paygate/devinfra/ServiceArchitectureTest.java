package dev.paygate.devinfra;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;

/**
 * The {@link ArchitectureRules} of a service (gateway-api, payment-service, refund-service, webhook-dispatcher): those
 * of every module, and public only what another of its packages (or their tests) uses.
 */
public abstract class ServiceArchitectureTest extends ModuleArchitectureTest {

    protected ServiceArchitectureTest(String root) {
        super(root);
    }

    @Test
    void publicOnlyWhatOtherPackagesUse() {
        JavaClasses all = ArchitectureRules.mainAndTestClasses(root());
        ArchitectureRules.publicOnlyWhatOtherPackagesUse(root(), all).check(all);
    }
}
