package dev.paygate.webhook;

import dev.paygate.devinfra.ModuleArchitectureTest;

/** The structure this module keeps: see {@link dev.paygate.devinfra.ArchitectureRules}. */
class ArchitectureTest extends ModuleArchitectureTest {

    ArchitectureTest() {
        super("dev.paygate.webhook");
    }
}
