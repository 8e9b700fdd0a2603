package dev.paygate.acquirer.bank;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.LongSummaryStatistics;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.util.function.Tuple2;

/** The bank takes its latency with jitter, per call and not in turn; the adapter keeps its connections. */
class BankLatencyIT {

    static HttpAcquirer client(BankServer bank) {
        return new HttpAcquirer(HttpAcquirer.Settings.of("http://127.0.0.1:" + bank.port()).withTimeout(Duration.ofSeconds(3)));
    }

    static void warmUp(HttpAcquirer http) {
        StepVerifier.create(http.voidAuthorization("auth_warm-up")).verifyComplete();
    }

    @Test
    void callsTakeLatencyPlusOrMinusJitter() {
        Duration latency = Duration.ofMillis(120);
        Duration jitter = Duration.ofMillis(40);
        try (BankServer bank = new BankServer(BankSettings.of(latency, jitter)).start(0);
             HttpAcquirer http = client(bank)) {
            warmUp(http);

            List<Long> millis = Flux.range(0, 40)
                    .flatMap(i -> http.capture("auth_" + i, 100).then(reactor.core.publisher.Mono.just(i)).elapsed(), 10)
                    .map(Tuple2::getT1).collectList().block(Duration.ofSeconds(10));

            LongSummaryStatistics stats = millis.stream().mapToLong(Long::longValue).summaryStatistics();
            assertThat(stats.getMin()).as("min of %s", millis).isGreaterThanOrEqualTo(latency.minus(jitter).toMillis() - 5);
            assertThat(stats.getMax()).as("max of %s", millis).isLessThanOrEqualTo(latency.plus(jitter).toMillis() + 250);
            assertThat(stats.getAverage()).as("mean of %s", millis)
                    .isBetween(latency.toMillis() - 20.0, latency.toMillis() + 80.0);
            assertThat(stats.getMax() - stats.getMin()).as("jitter spreads %s", millis)
                    .isGreaterThanOrEqualTo(jitter.toMillis());
        }
    }

    @Test
    void aHundredCallsInFlightFinishInAboutOneLatencyNotInTurn() {
        Duration latency = Duration.ofMillis(200);
        try (BankServer bank = new BankServer(BankSettings.of(latency, Duration.ofMillis(50))).start(0);
             HttpAcquirer http = client(bank)) {
            warmUp(http);

            Duration took = StepVerifier.create(Flux.range(0, 100).flatMap(i -> http.capture("auth_" + i, 100), 100))
                    .expectComplete().verify(Duration.ofSeconds(10));

            assertThat(took).isBetween(latency.minusMillis(50), Duration.ofMillis(1500));
            assertThat(bank.ledger().entries()).hasSize(101);
        }
    }

    @Test
    void thePoolReusesItsConnections() {
        try (BankServer bank = new BankServer(BankSettings.of(Duration.ofMillis(50), Duration.ZERO)).start(0);
             HttpAcquirer http = client(bank)) {
            for (int i = 0; i < 20; i++) {
                StepVerifier.create(http.voidAuthorization("auth_" + i)).verifyComplete();
            }
            // a caller has its answer a moment before the connection is back in the pool, so a call right after it
            // may open a second one; from then on they take turns
            assertThat(http.connectionsOpened()).as("20 calls in turn").isBetween(1L, 3L);
            assertThat(http.connectionsReused()).isEqualTo(20 - http.connectionsOpened());

            Flux.range(0, 30).flatMap(i -> http.capture("auth_" + i, 100), 30).blockLast(Duration.ofSeconds(5));
            long afterFirstBurst = http.connectionsOpened();
            Flux.range(0, 30).flatMap(i -> http.reduceAuthorization("auth_" + i, 10), 30).blockLast(Duration.ofSeconds(5));

            assertThat(afterFirstBurst).as("30 calls at once").isLessThanOrEqualTo(33);
            assertThat(http.connectionsOpened() - afterFirstBurst).as("30 more at once").isLessThanOrEqualTo(3);
            assertThat(http.connectionsOpened() + http.connectionsReused()).isEqualTo(80);
        }
    }

    @Test
    void thePoolBoundsTheConnectionsAndQueuesTheRest() {
        try (BankServer bank = new BankServer(BankSettings.of(Duration.ofMillis(100), Duration.ZERO)).start(0);
             HttpAcquirer http = new HttpAcquirer(HttpAcquirer.Settings.of("http://127.0.0.1:" + bank.port())
                     .withMaxConnections(5))) {
            Duration took = StepVerifier.create(Flux.range(0, 20).flatMap(i -> http.capture("auth_" + i, 100), 20))
                    .expectComplete().verify(Duration.ofSeconds(5));

            assertThat(http.connectionsOpened()).isEqualTo(5);
            assertThat(took).as("20 calls through 5 connections take 4 rounds").isGreaterThanOrEqualTo(Duration.ofMillis(380));
        }
    }

    @Test
    void callsThatCannotGetAConnectionInTimeAreUnavailable() {
        try (BankServer bank = new BankServer(BankSettings.of(Duration.ofMillis(500), Duration.ZERO)).start(0);
             HttpAcquirer http = new HttpAcquirer(HttpAcquirer.Settings.of("http://127.0.0.1:" + bank.port())
                     .withMaxConnections(2).withPending(Duration.ofMillis(100), -1))) {
            List<String> outcomes = Flux.range(0, 4)
                    .flatMap(i -> http.capture("auth_" + i, 100).thenReturn("done")
                            .onErrorResume(dev.paygate.acquirer.AcquirerUnavailableException.class, e -> reactor.core.publisher.Mono.just("unavailable")), 4)
                    .collectList().block(Duration.ofSeconds(5));

            assertThat(outcomes).containsExactlyInAnyOrder("done", "done", "unavailable", "unavailable");
            assertThat(bank.ledger().entries()).hasSize(2);
        }
    }
}
