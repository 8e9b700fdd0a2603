package dev.paygate.contracts.command;

import dev.paygate.contracts.resource.CustomerDetails;
import java.time.Instant;
import java.util.Map;

/**
 * Create a hosted payment session. The gateway has validated every field and assigned the id.
 *
 * @param expiresAt when the session expires; {@code null} for the default lifetime
 */
public record CreateSession(
        String commandId,
        String merchantId,
        String sessionId,
        long amount,
        String currency,
        CustomerDetails customerDetails,
        Instant expiresAt,
        String failureUrl,
        String successUrl,
        String locale,
        String merchantReferenceId,
        Map<String, String> metadata,
        String captureMethod)
        implements PaymentCommand {

    @Override
    public String key() {
        return sessionId;
    }
}
