package dev.paygate.contracts.command;

/**
 * The payer on the hosted page passed ({@code success = true}) or failed the test-mode 3-D Secure challenge of the
 * payment {@code paymentId} made for session {@code sessionId}: when it is authorized then, the session completes.
 * Keyed by the session, as {@link PaySession} is.
 */
public record AuthenticateSessionPayment(
        String commandId, String merchantId, String sessionId, String paymentId, boolean success)
        implements PaymentCommand {

    @Override
    public String key() {
        return sessionId;
    }
}
