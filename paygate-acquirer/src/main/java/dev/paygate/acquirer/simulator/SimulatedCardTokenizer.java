package dev.paygate.acquirer.simulator;

import dev.paygate.acquirer.CardInput;
import dev.paygate.acquirer.CardToken;
import dev.paygate.acquirer.CardTokenizer;
import dev.paygate.acquirer.InvalidCardException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HexFormat;
import reactor.core.publisher.Mono;

/**
 * The simulator's vault. Its tokens carry the test card's behaviour and random bytes, never the number: the
 * simulated bank needs nothing else, and a token reveals nothing about the card.
 */
public class SimulatedCardTokenizer implements CardTokenizer {

    static final String PREFIX = "tok_sim_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;

    public SimulatedCardTokenizer(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Mono<CardToken> tokenize(CardInput card) {
        return Mono.fromCallable(() -> {
            validate(card);
            byte[] random = new byte[16];
            RANDOM.nextBytes(random);
            String token = PREFIX + TestCard.forNumber(card.number()).behaviour() + "_"
                    + HexFormat.of().formatHex(random);
            return new CardToken(token, card.maskedNumber(), card.expiryMonth(), card.expiryYear(), card.holderName());
        });
    }

    private void validate(CardInput card) {
        if (card.number() == null || !card.number().matches("\\d{12,19}") || !luhn(card.number())) {
            throw new InvalidCardException("The card number is not valid.", "paymentMethod.card.number");
        }
        if (card.cvc() == null || !card.cvc().matches("\\d{3,4}")) {
            throw new InvalidCardException("The CVC must be 3 or 4 digits.", "paymentMethod.card.cvc");
        }
        if (card.expiryMonth() < 1 || card.expiryMonth() > 12) {
            throw new InvalidCardException("expiryMonth must be 1 to 12.", "paymentMethod.card.expiryMonth");
        }
        YearMonth now = YearMonth.now(clock.withZone(ZoneOffset.UTC));
        if (card.expiryYear() < 2000
                || card.expiryYear() > 2100
                || YearMonth.of(card.expiryYear(), card.expiryMonth()).isBefore(now)) {
            throw new InvalidCardException("The card has expired.", "paymentMethod.card.expiryYear");
        }
    }

    static boolean luhn(String number) {
        int sum = 0;
        boolean twice = false;
        for (int i = number.length() - 1; i >= 0; i--) {
            int digit = number.charAt(i) - '0';
            if (twice) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
            twice = !twice;
        }
        return sum % 10 == 0;
    }
}
