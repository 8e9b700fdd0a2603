package dev.paygate.gateway.payment;

import dev.paygate.acquirer.CardInput;
import dev.paygate.acquirer.CardTokenizer;
import dev.paygate.acquirer.InvalidCardException;
import dev.paygate.contracts.ProblemCodes;
import dev.paygate.contracts.command.CardDetails;
import dev.paygate.gateway.error.ApiException;
import dev.paygate.gateway.http.Validation;
import dev.paygate.gateway.payment.PaymentRequests.PaymentMethodInput;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Takes a card off a request and hands back its token: the card number and CVC stop here, in this
 * request's memory, and never reach a command, a table, a topic or a log.
 */
@Component
class CardIntake {

    private final CardTokenizer tokenizer;

    public CardIntake(CardTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Empty when no payment method was given. */
    public Mono<CardDetails> tokenize(PaymentMethodInput method) {
        if (method == null) {
            return Mono.empty();
        }
        if (!"card".equals(method.type())) {
            return Mono.error(ApiException.badRequest(
                    ProblemCodes.PARAMETER_INVALID, "paymentMethod.type must be card.", "paymentMethod.type"));
        }
        PaymentRequests.CardInputJson card = method.card();
        if (card == null) {
            return Mono.error(missing("paymentMethod.card"));
        }
        if (card.number() == null) {
            return Mono.error(missing("paymentMethod.card.number"));
        }
        if (card.cvc() == null) {
            return Mono.error(missing("paymentMethod.card.cvc"));
        }
        if (card.expiryMonth() == null) {
            return Mono.error(missing("paymentMethod.card.expiryMonth"));
        }
        if (card.expiryYear() == null) {
            return Mono.error(missing("paymentMethod.card.expiryYear"));
        }
        Validation.text(card.holderName(), 200, "paymentMethod.card.holderName");
        return tokenizer
                .tokenize(new CardInput(
                        card.number().replace(" ", ""),
                        card.cvc(),
                        card.expiryMonth(),
                        card.expiryYear(),
                        card.holderName()))
                .map(t -> new CardDetails(t.token(), t.maskedNumber(), t.expiryMonth(), t.expiryYear(), t.holderName()))
                .onErrorMap(
                        InvalidCardException.class,
                        e -> ApiException.badRequest(ProblemCodes.CARD_INVALID, e.getMessage(), e.param()));
    }

    private static ApiException missing(String param) {
        return ApiException.badRequest(
                ProblemCodes.PARAMETER_MISSING, "Missing required parameter: " + param + ".", param);
    }
}
