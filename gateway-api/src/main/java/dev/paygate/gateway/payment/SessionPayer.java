package dev.paygate.gateway.payment;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.command.AuthenticateSessionPayment;
import dev.paygate.contracts.command.PaySession;
import dev.paygate.gateway.command.CommandBus;
import dev.paygate.gateway.payment.PaymentRequests.PaymentMethodInput;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Pays a session with a card: tokenizes it here (the number and CVC go no further, see {@link CardIntake})
 * and sends {@link PaySession}. Shared by the test API ({@link SessionPayController}) and the hosted page.
 */
@Component
public class SessionPayer {

    private final CommandBus commands;
    private final CardIntake cards;

    public SessionPayer(CommandBus commands, CardIntake cards) {
        this.commands = commands;
        this.cards = cards;
    }

    /**
     * The command's outcome; fails with a 400 {@link dev.paygate.gateway.error.ApiException} when the card
     * is missing or not valid, before anything is sent.
     */
    public Mono<CommandBus.Outcome> pay(String merchantId, String sessionId, PaymentMethodInput method) {
        return Mono.defer(() -> cards.tokenize(method)) // its checks may throw at once: keep them in the Mono
                .flatMap(card -> commands.send(new PaySession(
                        Ids.COMMAND.next(), merchantId, sessionId, Ids.PAYMENT.next(), Ids.transactionId(), card)));
    }

    /** The payer's answer to the hosted page's 3-D Secure challenge for {@code paymentId}: the command's outcome. */
    public Mono<CommandBus.Outcome> authenticate(
            String merchantId, String sessionId, String paymentId, boolean success) {
        return commands.send(
                new AuthenticateSessionPayment(Ids.COMMAND.next(), merchantId, sessionId, paymentId, success));
    }
}
