package dev.paygate.acquirer.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.LongSummaryStatistics;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.function.Tuple2;

/** The bank takes its latency with jitter, per call and not in turn; the adapter keeps its connections. */
class BankLatencyIT {

    static HttpAcquirer client(BankServer bank) {
        return new HttpAcquirer(
                HttpAcquirer.Settings.of("http://127.0.0.1:" + bank.port()).withTimeout(Duration.ofSeconds(3)));
    }

    static void warmUp(HttpAcquirer http) {
        StepVerifier.create(http.voidAuthorization("auth_warm-up")).verifyComplete();
    }

    /** Until every call so far has given its connection back to the pool (a caller is answered just before). */
    static void awaitReleased(HttpAcquirer http) {
        await().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5))
                .atMost(Duration.ofSeconds(5))
                .until(() -> http.connectionsReleased() == http.connectionsOpened() + http.connectionsReused());
    }

    @Test
    void callsTakeLatencyPlusOrMinusJitter() {
        Duration latency = Duration.ofMillis(120);
        Duration jitter = Duration.ofMillis(40);
        try (BankServer bank = new BankServer(BankSettings.of(latency, jitter)).start(0);
                HttpAcquirer http = client(bank)) {
            // open the 10 connections and warm the code up first: measure the bank, not a cold client
            Flux.range(0, 10)
                    .flatMap(i -> http.voidAuthorization("auth_warm-up_" + i), 10)
                    .blockLast(Duration.ofSeconds(5));

            List<Long> millis = Flux.range(0, 40)
                    .flatMap(
                            i -> http.capture("auth_" + i, 100)
                                    .then(Mono.just(i))
                                    .elapsed(),
                            10)
                    .map(Tuple2::getT1)
                    .sort()
                    .collectList()
                    .block(Duration.ofSeconds(10));

            LongSummaryStatistics stats =
                    millis.stream().mapToLong(Long::longValue).summaryStatistics();
            long median = millis.get(millis.size() / 2);
            // nothing answers before latency - jitter; above, a loaded machine adds its own delay, hence the slack
            assertThat(stats.getMin())
                    .as("min of %s", millis)
                    .isGreaterThanOrEqualTo(latency.minus(jitter).toMillis() - 5);
            assertThat(median)
                    .as("median of %s", millis)
                    .isBetween(
                            latency.minus(jitter).toMillis(),
                            latency.plus(jitter).toMillis() + 50);
            assertThat(stats.getAverage())
                    .as("mean of %s", millis)
                    .isBetween(latency.toMillis() - 20.0, latency.toMillis() + 100.0);
            assertThat(stats.getMax())
                    .as("max of %s", millis)
                    .isLessThanOrEqualTo(latency.plus(jitter).toMillis() + 500);
            assertThat(stats.getMax() - stats.getMin())
                    .as("jitter spreads %s", millis)
                    .isGreaterThanOrEqualTo(jitter.toMillis());
        }
    }

    @Test
    void aHundredCallsInFlightFinishInAboutOneLatencyNotInTurn() {
        Duration latency = Duration.ofMillis(200);
        try (BankServer bank = new BankServer(BankSettings.of(latency, Duration.ofMillis(50))).start(0);
                HttpAcquirer http = client(bank)) {
            // the first burst opens the 100 connections (and warms the code): measure the second
            Flux.range(0, 100)
                    .flatMap(i -> http.voidAuthorization("auth_" + i), 100)
                    .blockLast(Duration.ofSeconds(10));
            awaitReleased(http);

            Duration took = StepVerifier.create(Flux.range(0, 100).flatMap(i -> http.capture("auth_" + i, 100), 100))
                    .expectComplete()
                    .verify(Duration.ofSeconds(10));

            // in turn they would take 100 x 200 ms = 20 s
            assertThat(took).isBetween(latency.minusMillis(50), Duration.ofMillis(1500));
            assertThat(bank.ledger().entries()).hasSize(200);
            // two bursts of 100 (after the warm-up's one) never need more than 100 connections
            assertThat(http.connectionsOpened())
                    .as("connections for 2 x 100 calls")
                    .isLessThanOrEqualTo(100);
        }
    }

    @Test
    void thePoolReusesItsConnections() {
        try (BankServer bank = new BankServer(BankSettings.of(Duration.ofMillis(50), Duration.ZERO)).start(0);
                HttpAcquirer http = client(bank)) {
            for (int i = 0; i < 20; i++) {
                StepVerifier.create(http.voidAuthorization("auth_" + i)).verifyComplete();
                awaitReleased(http);
            }
            assertThat(http.connectionsOpened()).as("20 calls in turn").isEqualTo(1);
            assertThat(http.connectionsReused()).isEqualTo(19);

            Flux.range(0, 30).flatMap(i -> http.capture("auth_" + i, 100), 30).blockLast(Duration.ofSeconds(5));
            awaitReleased(http);
            Flux.range(0, 30)
                    .flatMap(i -> http.reduceAuthorization("auth_" + i, 10), 30)
                    .blockLast(Duration.ofSeconds(5));

            // at most one connection per call in flight, whichever burst opened it (on a loaded machine the first
            // burst may already reuse some, then the second opens the rest)
            assertThat(http.connectionsOpened())
                    .as("connections for 2 x 30 calls at once")
                    .isBetween(2L, 30L);
            assertThat(http.connectionsOpened() + http.connectionsReused()).isEqualTo(80);
        }
    }

    @Test
    void thePoolBoundsTheConnectionsAndQueuesTheRest() {
        try (BankServer bank = new BankServer(BankSettings.of(Duration.ofMillis(100), Duration.ZERO)).start(0);
                HttpAcquirer http = new HttpAcquirer(HttpAcquirer.Settings.of("http://127.0.0.1:" + bank.port())
                        .withMaxConnections(5))) {
            Duration took = StepVerifier.create(Flux.range(0, 20).flatMap(i -> http.capture("auth_" + i, 100), 20))
                    .expectComplete()
                    .verify(Duration.ofSeconds(5));

            assertThat(http.connectionsOpened()).isEqualTo(5);
            assertThat(took)
                    .as("20 calls through 5 connections take 4 rounds")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(380));
        }
    }

    @Test
    void callsThatCannotGetAConnectionInTimeAreUnavailable() {
        try (BankServer bank = new BankServer(BankSettings.of(Duration.ofMillis(500), Duration.ZERO)).start(0);
                HttpAcquirer http = new HttpAcquirer(HttpAcquirer.Settings.of("http://127.0.0.1:" + bank.port())
                        .withMaxConnections(2)
                        .withPending(Duration.ofMillis(100), -1))) {
            List<String> outcomes = Flux.range(0, 4)
                    .flatMap(
                            i -> http.capture("auth_" + i, 100)
                                    .thenReturn("done")
                                    .onErrorResume(
                                            dev.paygate.acquirer.AcquirerUnavailableException.class,
                                            e -> Mono.just("unavailable")),
                            4)
                    .collectList()
                    .block(Duration.ofSeconds(5));

            assertThat(outcomes).containsExactlyInAnyOrder("done", "done", "unavailable", "unavailable");
            assertThat(bank.ledger().entries()).hasSize(2);
        }
    }
}
