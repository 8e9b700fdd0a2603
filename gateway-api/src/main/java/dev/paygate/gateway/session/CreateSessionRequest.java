package dev.paygate.gateway.session;

import dev.paygate.contracts.resource.CustomerDetails;
import dev.paygate.contracts.resource.Session;
import java.time.Instant;
import java.util.Map;

/** The body of {@code POST /api2/sessions}: the BPC API's session fields a merchant sets (docs/api.md, "Sessions"). */
public record CreateSessionRequest(
        Long amount,
        String currency,
        CustomerDetails customerDetails,
        Instant expiresAt,
        String failureUrl,
        String successUrl,
        String locale,
        String merchantReferenceId,
        Map<String, String> metadata,
        Session.PaymentData paymentData) {}
