package dev.paygate.gateway.session;

import dev.paygate.contracts.resource.CustomerDetails;
import dev.paygate.contracts.resource.Session;
import java.time.Instant;
import java.util.Map;

/** The body of {@code POST /api2/sessions}: the seed's session fields a merchant sets. */
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
