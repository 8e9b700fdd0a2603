package dev.paygate.acquirer.bank;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.acquirer.bank.Ledger.Answer;
import dev.paygate.acquirer.bank.Ledger.Executed;
import dev.paygate.acquirer.bank.Ledger.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class LedgerTest {

    /** How long a step that only arranges a test may wait: a bank that never answers fails it, never hangs it. */
    static final java.time.Duration ARRANGE = java.time.Duration.ofSeconds(10);

    final Ledger ledger = new Ledger();
    final AtomicInteger executions = new AtomicInteger();

    Mono<Executed> execution(String key, String outcome) {
        return Mono.fromSupplier(() -> {
            executions.incrementAndGet();
            return new Executed(
                    new Answer(200, outcome),
                    new LedgerEntry(
                            ledger.nextSequence(),
                            "capture",
                            key,
                            "auth_1",
                            100L,
                            "EUR",
                            outcome,
                            null,
                            Instant.EPOCH,
                            0));
        });
    }

    @Test
    void aRepeatedKeyIsAnsweredTheFirstOutcomeAndExecutesNothing() {
        StepVerifier.create(ledger.run("k1", "same", execution("k1", "first")))
                .expectNext(new Reply(new Answer(200, "first"), false))
                .verifyComplete();
        StepVerifier.create(ledger.run("k1", "same", execution("k1", "second")))
                .expectNext(new Reply(new Answer(200, "first"), true))
                .verifyComplete();

        assertThat(executions).hasValue(1);
        assertThat(ledger.entries())
                .singleElement()
                .satisfies(e -> assertThat(e.outcome()).isEqualTo("first"))
                .satisfies(e -> assertThat(e.repeats()).isEqualTo(1));
        assertThat(ledger.repeats()).isEqualTo(1);
    }

    @Test
    void theSameKeyForAnotherRequestIsRefusedAndExecutesNothing() {
        ledger.run("k1", "capture 100", execution("k1", "first")).block(ARRANGE);

        StepVerifier.create(ledger.run("k1", "capture 200", execution("k1", "second")))
                .assertNext(r -> assertThat(r.answer().status()).isEqualTo(422))
                .verifyComplete();
        assertThat(executions).hasValue(1);
        assertThat(ledger.entries()).hasSize(1);
    }

    @Test
    void whatWasNotExecutedIsForgottenSoARetryExecutes() {
        Mono<Executed> failing = Mono.fromSupplier(() -> new Executed(new Answer(503, "failed"), null));

        StepVerifier.create(ledger.run("k1", "same", failing))
                .expectNext(new Reply(new Answer(503, "failed"), false))
                .verifyComplete();
        StepVerifier.create(ledger.run("k1", "same", execution("k1", "done")))
                .expectNext(new Reply(new Answer(200, "done"), false))
                .verifyComplete();
        assertThat(ledger.entries())
                .singleElement()
                .satisfies(e -> assertThat(e.outcome()).isEqualTo("done"));
    }

    @Test
    void concurrentRequestsWithOneKeyExecuteOnceAndAllGetItsOutcome() {
        Mono<Executed> slow = Mono.delay(Duration.ofMillis(50)).then(execution("k1", "once"));

        List<Reply> replies = Flux.range(0, 64)
                .flatMap(i -> ledger.run("k1", "same", slow).subscribeOn(Schedulers.parallel()), 64)
                .collectList()
                .block(Duration.ofSeconds(5));

        assertThat(executions).hasValue(1);
        assertThat(replies).hasSize(64).allSatisfy(r -> assertThat(r.answer()).isEqualTo(new Answer(200, "once")));
        assertThat(replies).filteredOn(r -> !r.replayed()).hasSize(1);
        assertThat(ledger.entries())
                .singleElement()
                .satisfies(e -> assertThat(e.repeats()).isEqualTo(63));
    }

    @Test
    void anExecutionCompletesAndIsWrittenDownEvenIfItsCallerGoesAway() {
        Mono<Executed> slow = Mono.delay(Duration.ofMillis(100)).then(execution("k1", "late"));

        StepVerifier.create(ledger.run("k1", "same", slow)).thenCancel().verify();

        StepVerifier.create(ledger.run("k1", "same", slow))
                .expectNext(new Reply(new Answer(200, "late"), true))
                .verifyComplete();
        assertThat(executions).hasValue(1);
    }

    @Test
    void theLedgerFiltersByReferenceAndAuthorization() {
        ledger.run("k1", "a", execution("k1", "one")).block(ARRANGE);
        ledger.run("k2", "b", execution("k2", "two")).block(ARRANGE);

        assertThat(ledger.entries("k2", null)).extracting(LedgerEntry::outcome).containsExactly("two");
        assertThat(ledger.entries(null, "auth_1"))
                .extracting(LedgerEntry::outcome)
                .containsExactly("one", "two");
        assertThat(ledger.entries(null, "auth_2")).isEmpty();
    }
}
