package dev.paygate.payment;

import dev.paygate.devinfra.ServiceArchitectureTest;

/** The structure this module keeps: see {@link dev.paygate.devinfra.ArchitectureRules}. */
class ArchitectureTest extends ServiceArchitectureTest {

    ArchitectureTest() {
        super("dev.paygate.payment");
    }
}
