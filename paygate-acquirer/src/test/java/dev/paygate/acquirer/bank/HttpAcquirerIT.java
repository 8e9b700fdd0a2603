package dev.paygate.acquirer.bank;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.acquirer.Acquirer;
import dev.paygate.acquirer.Authorization;
import dev.paygate.acquirer.CardInput;
import dev.paygate.acquirer.CardToken;
import dev.paygate.acquirer.RefundOutcome;
import dev.paygate.acquirer.RefundRequest;
import dev.paygate.acquirer.simulator.SimulatedAcquirer;
import dev.paygate.acquirer.simulator.SimulatedCardTokenizer;
import dev.paygate.acquirer.simulator.TestCard;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Every operation through {@link HttpAcquirer} and a real {@link BankServer} answers as {@link SimulatedAcquirer} does. */
class HttpAcquirerIT {

    /** How long a step that only arranges a test may wait: a bank that never answers fails it, never hangs it. */
    static final java.time.Duration ARRANGE = java.time.Duration.ofSeconds(10);

    static final Duration PENDING_FOR = Duration.ofSeconds(10);

    final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    final Clock clock = new Clock() {
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        public Clock withZone(ZoneId zone) {
            return this;
        }

        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };
    final BankServer bank = new BankServer(BankSettings.of(Duration.ZERO, Duration.ZERO)
                    .withRefundPendingFor(PENDING_FOR)
                    .withClock(clock))
            .start(0);
    final HttpAcquirer http = new HttpAcquirer(HttpAcquirer.Settings.of("http://127.0.0.1:" + bank.port()));
    final SimulatedAcquirer simulated =
            new SimulatedAcquirer(Duration.ZERO, 0, Duration.ofSeconds(1), PENDING_FOR, clock);

    @AfterEach
    void close() {
        http.close();
        bank.close();
    }

    static CardToken token(TestCard card) {
        return new SimulatedCardTokenizer(Clock.systemUTC())
                .tokenize(new CardInput(card.number(), "123", 12, 2030, "TEST CARDHOLDER"))
                .block(ARRANGE);
    }

    /** Authorization ids and refund references are random: compare what they mean. */
    static Object meaning(Object answer) {
        if (answer instanceof Authorization.Approved approved) {
            assertThat(approved.authorizationId()).startsWith("auth_sim_");
            return "approved";
        }
        if (answer instanceof RefundOutcome outcome) {
            assertThat(outcome.reference()).startsWith("rf_sim_");
            return outcome instanceof RefundOutcome.Failed f
                    ? "failed: " + f.reason()
                    : outcome.getClass().getSimpleName();
        }
        return answer;
    }

    <T> Object answerOf(Mono<T> call) {
        return meaning(call.block(Duration.ofSeconds(5)));
    }

    @ParameterizedTest
    @EnumSource(TestCard.class)
    void authorizationsAnswerAsTheSimulatorDoesForEveryTestCard(TestCard card) {
        CardToken token = token(card);
        for (boolean threeDs : new boolean[] {false, true}) {
            assertThat(answerOf(http.authorize("p_" + card + threeDs, token, 1000, "EUR", threeDs)))
                    .as("%s, 3-D Secure done: %s", card, threeDs)
                    .isEqualTo(answerOf(simulated.authorize("p_" + card + threeDs, token, 1000, "EUR", threeDs)));
        }
    }

    @Test
    void aDeclineIsTheSimulatorsDeclineWordForWord() {
        StepVerifier.create(http.authorize("p_1", token(TestCard.DECLINE), 1000, "EUR", false))
                .expectNext(new Authorization.Declined("card_declined", "The card was declined."))
                .verifyComplete();
    }

    @Test
    void threeDSecureThenTheSameReferenceAgainIsApproved() {
        CardToken card = token(TestCard.THREE_DS);

        StepVerifier.create(http.authorize("p_3ds", card, 1000, "EUR", false))
                .expectNext(new Authorization.RequiresAction())
                .verifyComplete();
        StepVerifier.create(http.authorize("p_3ds", card, 1000, "EUR", true))
                .assertNext(a -> assertThat(a).isInstanceOf(Authorization.Approved.class))
                .verifyComplete();

        assertThat(bank.ledger().entries())
                .extracting(LedgerEntry::reference, LedgerEntry::outcome)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("p_3ds", "requires_action"),
                        org.assertj.core.groups.Tuple.tuple("p_3ds:3ds", "approved"));
    }

    @Test
    void captureReduceAndVoidCompleteAndAreWrittenDownWithTheAuthorizationsCurrency() {
        String id = ((Authorization.Approved) http.authorize("p_1", token(TestCard.APPROVE), 1000, "EUR", false)
                        .block(Duration.ofSeconds(5)))
                .authorizationId();

        StepVerifier.create(http.reduceAuthorization(id, 300)).verifyComplete();
        StepVerifier.create(http.capture(id, 700)).verifyComplete();
        StepVerifier.create(http.voidAuthorization("auth_sim_other")).verifyComplete();
        StepVerifier.create(simulated.voidAuthorization("auth_sim_other")).verifyComplete();

        assertThat(bank.ledger().entries())
                .extracting(
                        LedgerEntry::type,
                        LedgerEntry::reference,
                        LedgerEntry::authorizationId,
                        LedgerEntry::amount,
                        LedgerEntry::currency,
                        LedgerEntry::outcome)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("authorization", "p_1", id, 1000L, "EUR", "approved"),
                        org.assertj.core.groups.Tuple.tuple("reduction", id + ":reduction", id, 300L, "EUR", "reduced"),
                        org.assertj.core.groups.Tuple.tuple("capture", id + ":capture", id, 700L, "EUR", "captured"),
                        org.assertj.core.groups.Tuple.tuple(
                                "void", "auth_sim_other:void", "auth_sim_other", null, null, "voided"));
        assertThat(bank.ledger().entries()).allSatisfy(e -> assertThat(e.time()).isEqualTo(clock.instant()));
    }

    @ParameterizedTest
    @EnumSource(TestCard.class)
    void refundsAndTheirStatusAnswerAsTheSimulatorDoesBeforeAndAfterTheyAreDue(TestCard card) {
        RefundRequest request =
                new RefundRequest("re_" + card, "p_1", "auth_sim_1", token(card).maskedNumber(), 500, "EUR");
        RefundOutcome overHttp = http.refund(request).block(Duration.ofSeconds(5));
        RefundOutcome inProcess = simulated.refund(request).block(Duration.ofSeconds(5));

        assertThat(meaning(overHttp)).isEqualTo(meaning(inProcess));
        assertThat(answerOf(http.refundStatus(overHttp.reference())))
                .isEqualTo(answerOf(simulated.refundStatus(inProcess.reference())));
        now.addAndGet(PENDING_FOR.toMillis());
        assertThat(answerOf(http.refundStatus(overHttp.reference())))
                .isEqualTo(answerOf(simulated.refundStatus(inProcess.reference())));
        assertThat(bank.ledger().entries()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("refund");
            assertThat(e.reference()).isEqualTo("re_" + card);
            assertThat(e.bankReference()).isEqualTo(overHttp.reference());
        });
    }

    @Test
    void pendingRefundsSucceedOrFailOnceDue() {
        RefundOutcome later = http.refund(new RefundRequest("re_1", "p_1", "a", "400000**7726", 100, "EUR"))
                .block(ARRANGE);
        RefundOutcome failing = http.refund(new RefundRequest("re_2", "p_1", "a", "400000**5126", 100, "EUR"))
                .block(ARRANGE);
        assertThat(later).isInstanceOf(RefundOutcome.Pending.class);
        assertThat(failing).isInstanceOf(RefundOutcome.Pending.class);

        StepVerifier.create(http.refundStatus(later.reference()))
                .expectNext(new RefundOutcome.Pending(later.reference()))
                .verifyComplete();
        now.addAndGet(PENDING_FOR.toMillis());
        StepVerifier.create(http.refundStatus(later.reference()))
                .expectNext(new RefundOutcome.Succeeded(later.reference()))
                .verifyComplete();
        StepVerifier.create(http.refundStatus(failing.reference()))
                .expectNext(new RefundOutcome.Failed(failing.reference(), "The bank could not credit the card."))
                .verifyComplete();
    }

    @Test
    void whatTheSimulatorRefusesAsInvalidTheBankRefusesAsWell() {
        Acquirer[] both = {http, simulated};
        for (Acquirer acquirer : both) {
            StepVerifier.create(acquirer.refundStatus("rf_unknown"))
                    .expectError(IllegalArgumentException.class)
                    .verify(Duration.ofSeconds(5));
            StepVerifier.create(acquirer.authorize(
                            "p_x", new CardToken("tok_other_1", "411111**1111", 12, 2030, "X"), 100, "EUR", false))
                    .expectError(IllegalArgumentException.class)
                    .verify(Duration.ofSeconds(5));
        }
        StepVerifier.create(http.refundStatus("rf_unknown"))
                .expectErrorMatches(e -> e instanceof BankRefusedException r && r.status() == 404)
                .verify();
        assertThat(bank.ledger().entries()).isEmpty();
    }
}
