package dev.paygate.contracts.command;

/** Expire an {@code open} session; any other status is refused with {@code session_invalid_status}. */
public record ExpireSession(String commandId, String merchantId, String sessionId) implements PaymentCommand {

    @Override
    public String key() {
        return sessionId;
    }
}
