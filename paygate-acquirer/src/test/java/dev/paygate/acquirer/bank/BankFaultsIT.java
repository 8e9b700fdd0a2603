package dev.paygate.acquirer.bank;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.acquirer.AcquirerUnavailableException;
import dev.paygate.acquirer.simulator.OutageFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/** Whatever goes wrong between us and the bank, the port answers {@link AcquirerUnavailableException} within its timeout. */
class BankFaultsIT {

    static final Duration TIMEOUT = Duration.ofMillis(400);

    static HttpAcquirer client(int port) {
        return new HttpAcquirer(
                HttpAcquirer.Settings.of("http://127.0.0.1:" + port).withTimeout(TIMEOUT));
    }

    @Test
    void aBankThatIsDownAnswersNothingAndCallsFailWithinTheTimeout() {
        AtomicBoolean down = new AtomicBoolean();
        try (BankServer bank = new BankServer(
                                BankSettings.of(Duration.ZERO, Duration.ZERO).withDown(down::get))
                        .start(0);
                HttpAcquirer http = client(bank.port())) {
            StepVerifier.create(http.voidAuthorization("auth_1")).verifyComplete();

            down.set(true);
            Duration took = StepVerifier.create(http.capture("auth_1", 100))
                    .expectErrorSatisfies(e -> assertThat(e)
                            .isInstanceOf(AcquirerUnavailableException.class)
                            .hasMessageContaining("did not answer within"))
                    .verify(Duration.ofSeconds(3));
            assertThat(took).isBetween(TIMEOUT.minusMillis(50), TIMEOUT.plusMillis(600));
            StepVerifier.create(http.refundStatus("rf_sim_approve_0_x"))
                    .expectError(AcquirerUnavailableException.class)
                    .verify(Duration.ofSeconds(3));

            down.set(false);
            StepVerifier.create(http.capture("auth_1", 100)).verifyComplete();
            assertThat(bank.ledger().entries())
                    .extracting(LedgerEntry::reference)
                    .containsExactly("auth_1:void", "auth_1:capture");
        }
    }

    @Test
    void theOutageFileOfTheInProcessSimulatorSwitchesTheHttpBankToo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bank-down");
        Files.createFile(file);
        try (BankServer bank = new BankServer(
                                BankSettings.of(Duration.ZERO, Duration.ZERO).withDown(new OutageFile(file, 0)))
                        .start(0);
                HttpAcquirer http = client(bank.port())) {
            StepVerifier.create(http.voidAuthorization("auth_1"))
                    .expectError(AcquirerUnavailableException.class)
                    .verify(Duration.ofSeconds(3));
            Files.delete(file);
            StepVerifier.create(http.voidAuthorization("auth_1")).verifyComplete();
        }
    }

    @Test
    void aBankNotListeningIsUnavailableAtOnce() {
        BankServer gone = new BankServer(BankSettings.of(Duration.ZERO, Duration.ZERO)).start(0);
        int port = gone.port();
        gone.close();

        try (HttpAcquirer http = client(port)) {
            Duration took = StepVerifier.create(http.capture("auth_1", 100))
                    .expectErrorSatisfies(e -> assertThat(e)
                            .isInstanceOf(AcquirerUnavailableException.class)
                            .hasMessageContaining("127.0.0.1:" + port))
                    .verify(Duration.ofSeconds(3));
            assertThat(took).isLessThan(TIMEOUT.plusMillis(600));
        }
    }

    @Test
    void aFailingBankIs503AndUnavailableAndExecutesNothing() {
        try (BankServer bank = new BankServer(
                                BankSettings.of(Duration.ZERO, Duration.ZERO).withFailureRate(1))
                        .start(0);
                HttpAcquirer http = client(bank.port())) {
            StepVerifier.create(http.capture("auth_1", 100))
                    .expectErrorSatisfies(e -> assertThat(e)
                            .isInstanceOf(AcquirerUnavailableException.class)
                            .hasMessageContaining("503"))
                    .verify(Duration.ofSeconds(3));
            assertThat(bank.ledger().entries()).isEmpty();
        }
    }
}
