package dev.paygate.gateway.session;

import dev.paygate.contracts.ProblemCodes;
import dev.paygate.contracts.command.CreateSession;
import dev.paygate.gateway.GatewayProperties;
import dev.paygate.gateway.error.ApiException;
import dev.paygate.gateway.http.Validation;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import org.springframework.stereotype.Component;

/** Turns a valid {@link CreateSessionRequest} into a command, or refuses it naming the field. */
@Component
class SessionRequestValidator {

    private static final Set<String> CAPTURE_METHODS = Set.of("automatic", "manual");

    private final Clock clock;
    private final GatewayProperties properties;

    public SessionRequestValidator(Clock clock, GatewayProperties properties) {
        this.clock = clock;
        this.properties = properties;
    }

    public CreateSession toCommand(CreateSessionRequest r, String commandId, String merchantId, String sessionId) {
        long amount = Validation.amount(r.amount(), "amount");
        String currency = Validation.currency(r.currency());
        String captureMethod = r.paymentData() == null || r.paymentData().captureMethod() == null
                ? "automatic"
                : r.paymentData().captureMethod();
        if (!CAPTURE_METHODS.contains(captureMethod)) {
            throw ApiException.badRequest(
                    ProblemCodes.PARAMETER_INVALID,
                    "paymentData.captureMethod must be automatic or manual.",
                    "paymentData.captureMethod");
        }
        String locale = r.locale() == null ? "EN" : r.locale();
        if (!locale.matches("[A-Za-z]{2}([-_][A-Za-z]{2})?")) {
            throw ApiException.badRequest(
                    ProblemCodes.PARAMETER_INVALID, "locale must look like EN or en-GB.", "locale");
        }
        return new CreateSession(
                commandId,
                merchantId,
                sessionId,
                amount,
                currency,
                Validation.customerDetails(r.customerDetails()),
                expiresAt(r.expiresAt()),
                Validation.url(r.failureUrl(), "failureUrl"),
                Validation.url(r.successUrl(), "successUrl"),
                locale,
                Validation.text(r.merchantReferenceId(), 255, "merchantReferenceId"),
                Validation.metadata(r.metadata()),
                captureMethod);
    }

    private Instant expiresAt(Instant expiresAt) {
        if (expiresAt == null) {
            return null;
        }
        Instant now = clock.instant();
        if (expiresAt.isBefore(now.plus(properties.getSessionMinLifetime()))
                || expiresAt.isAfter(now.plus(properties.getSessionMaxLifetime()))) {
            throw ApiException.badRequest(
                    ProblemCodes.PARAMETER_INVALID,
                    "expiresAt must lie between " + properties.getSessionMinLifetime() + " and "
                            + properties.getSessionMaxLifetime() + " from now.",
                    "expiresAt");
        }
        return expiresAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }
}
