package dev.paygate.acquirer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.acquirer.simulator.SimulatedAcquirer;
import dev.paygate.acquirer.simulator.SimulatedCardTokenizer;
import dev.paygate.acquirer.simulator.TestCard;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.test.StepVerifier;

class SimulatorTest {

    final Clock clock = Clock.fixed(Instant.parse("2026-11-22T00:00:00Z"), ZoneOffset.UTC);
    final SimulatedCardTokenizer tokenizer = new SimulatedCardTokenizer(clock);
    final SimulatedAcquirer bank = new SimulatedAcquirer(Duration.ZERO, 0, Duration.ofSeconds(1));

    /** Test setup: a token to authorize with (tokenization itself is asserted with StepVerifier below). */
    CardToken token(String number) {
        return tokenizer
                .tokenize(new CardInput(number, "123", 12, 2030, "TEST CARDHOLDER"))
                .block();
    }

    @Test
    void tokensKeepNeitherNumberNorCvc() {
        CardToken token = token("4111111111111111");

        assertThat(token.maskedNumber()).isEqualTo("411111**1111");
        assertThat(token.token())
                .doesNotContain("4111111111111111")
                .doesNotContain("111111")
                .startsWith("tok_sim_");
        assertThat(token.toString()).doesNotContain("4111111111111111");
        assertThat(new CardInput("4111111111111111", "123", 12, 2030, "X").toString())
                .doesNotContain("4111111111111111")
                .doesNotContain("123,");
    }

    @Test
    void eachTestCardBehavesAsDocumented() {
        StepVerifier.create(bank.authorize("p_1", token(TestCard.APPROVE.number()), 100, "EUR", false))
                .expectNextMatches(a -> a instanceof Authorization.Approved)
                .verifyComplete();
        StepVerifier.create(bank.authorize("p_1", token(TestCard.DECLINE.number()), 100, "EUR", false))
                .expectNext(new Authorization.Declined("card_declined", "The card was declined."))
                .verifyComplete();
        StepVerifier.create(bank.authorize("p_1", token(TestCard.THREE_DS.number()), 100, "EUR", false))
                .expectNext(new Authorization.RequiresAction())
                .verifyComplete();
        StepVerifier.create(bank.authorize("p_1", token(TestCard.THREE_DS.number()), 100, "EUR", true))
                .expectNextMatches(a -> a instanceof Authorization.Approved)
                .verifyComplete();
        StepVerifier.create(
                        bank.authorize("p_1", token(TestCard.REFUND_PENDING_THEN_FAILED.number()), 100, "EUR", false))
                .expectNextMatches(a -> a instanceof Authorization.Approved)
                .verifyComplete();
    }

    @ParameterizedTest
    @CsvSource({
        "4111111111111112,123,12,2030,paymentMethod.card.number",
        "41111,123,12,2030,paymentMethod.card.number",
        "4111111111111111,12,12,2030,paymentMethod.card.cvc",
        "4111111111111111,123,13,2030,paymentMethod.card.expiryMonth",
        "4111111111111111,123,10,2026,paymentMethod.card.expiryYear"
    })
    void badCardsAreRefusedNamingTheField(String number, String cvc, int month, int year, String param) {
        StepVerifier.create(tokenizer.tokenize(new CardInput(number, cvc, month, year, "X")))
                .expectErrorMatches(e ->
                        e instanceof InvalidCardException ice && ice.param().equals(param))
                .verify();
    }

    @Test
    void refundsFollowTheirTestCards() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000_000);
        Clock moving = new Clock() {
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            public Instant instant() {
                return Instant.ofEpochMilli(now.get());
            }
        };
        SimulatedAcquirer refunds =
                new SimulatedAcquirer(Duration.ZERO, 0, Duration.ofSeconds(1), Duration.ofSeconds(10), moving);

        java.util.List<RefundOutcome> taken = new java.util.ArrayList<>();
        StepVerifier.create(refunds.refund(new RefundRequest("re_1", "p_1", "a", "411111**1111", 100, "EUR")))
                .assertNext(o -> assertThat(o).isInstanceOf(RefundOutcome.Succeeded.class))
                .verifyComplete();
        StepVerifier.create(refunds.refund(new RefundRequest("re_2", "p_1", "a", "400000**7726", 100, "EUR")))
                .assertNext(o -> assertThat(taken.add(o) && o instanceof RefundOutcome.Pending)
                        .isTrue())
                .verifyComplete();
        StepVerifier.create(refunds.refund(new RefundRequest("re_3", "p_1", "a", "400000**5126", 100, "EUR")))
                .assertNext(o -> assertThat(taken.add(o) && o instanceof RefundOutcome.Pending)
                        .isTrue())
                .verifyComplete();
        String later = taken.get(0).reference();
        String failing = taken.get(1).reference();

        StepVerifier.create(refunds.refundStatus(later))
                .assertNext(o -> assertThat(o).isInstanceOf(RefundOutcome.Pending.class))
                .verifyComplete();
        now.addAndGet(10_000);
        StepVerifier.create(refunds.refundStatus(later))
                .assertNext(o -> assertThat(o).isInstanceOf(RefundOutcome.Succeeded.class))
                .verifyComplete();
        StepVerifier.create(refunds.refundStatus(failing))
                .assertNext(o -> assertThat(o).isInstanceOf(RefundOutcome.Failed.class))
                .verifyComplete();
    }

    @Test
    void aSlowBankTimesOutAsUnavailable() {
        SimulatedAcquirer slow = new SimulatedAcquirer(Duration.ofSeconds(5), 0, Duration.ofSeconds(2));

        StepVerifier.withVirtualTime(() -> slow.capture("auth_1", 100))
                .thenAwait(Duration.ofSeconds(3))
                .expectError(AcquirerUnavailableException.class)
                .verify();
    }

    @Test
    void aFailingBankIsUnavailable() {
        SimulatedAcquirer down = new SimulatedAcquirer(Duration.ZERO, 1.0, Duration.ofSeconds(2));

        StepVerifier.create(down.voidAuthorization("auth_1"))
                .expectError(AcquirerUnavailableException.class)
                .verify();
    }

    @Test
    void whileTheOutageFileExistsTheBankDoesNotAnswerAndEveryCallTimesOut(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("bank-down");
        dev.paygate.acquirer.simulator.OutageFile outage = new dev.paygate.acquirer.simulator.OutageFile(file, 0);
        SimulatedAcquirer bank = new SimulatedAcquirer(
                Duration.ZERO, 0, Duration.ofSeconds(5), Duration.ofSeconds(30), Clock.systemUTC(), outage);

        StepVerifier.create(bank.voidAuthorization("auth_sim_1")).verifyComplete();

        java.nio.file.Files.createFile(file);
        StepVerifier.withVirtualTime(() -> new SimulatedAcquirer(
                                Duration.ZERO,
                                0,
                                Duration.ofSeconds(5),
                                Duration.ofSeconds(30),
                                Clock.systemUTC(),
                                outage)
                        .voidAuthorization("auth_sim_1"))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(4999))
                .thenAwait(Duration.ofMillis(1))
                .expectError(AcquirerUnavailableException.class)
                .verify(Duration.ofSeconds(5));

        java.nio.file.Files.delete(file);
        StepVerifier.create(bank.voidAuthorization("auth_sim_1")).verifyComplete();
    }

    @Test
    void noOutageFileConfiguredMeansNeverDown() {
        assertThat(dev.paygate.acquirer.simulator.OutageFile.of("").getAsBoolean())
                .isFalse();
        assertThat(dev.paygate.acquirer.simulator.OutageFile.of(null).getAsBoolean())
                .isFalse();
    }
}
