package dev.paygate.contracts.command;

/**
 * Pay a hosted session with a card: creates the payment ({@code paymentId}, {@code transactionId}, assigned by
 * the gateway) and, when it is authorized, completes the session. Keyed by the session.
 */
public record PaySession(
        String commandId, String merchantId, String sessionId, String paymentId, String transactionId, CardDetails card)
        implements PaymentCommand {

    @Override
    public String key() {
        return sessionId;
    }
}
