package dev.paygate.acquirer;

/** The bank's answer to an authorization request. */
public sealed interface Authorization {

    /** Reserved: the amount can be captured through {@code authorizationId}. */
    record Approved(String authorizationId) implements Authorization {}

    /** Refused by the issuer; {@code code} is stable (e.g. {@code card_declined}). */
    record Declined(String code, String message) implements Authorization {}

    /** The payer must pass 3-D Secure first. */
    record RequiresAction() implements Authorization {}
}
