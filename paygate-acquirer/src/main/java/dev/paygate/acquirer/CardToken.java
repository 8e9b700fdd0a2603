package dev.paygate.acquirer;

/**
 * What is kept of a card: the acquirer's token and what may be shown. Never the number, never the CVC.
 *
 * @param token the acquirer's reference to the card, usable for authorizations
 */
public record CardToken(String token, String maskedNumber, int expiryMonth, int expiryYear, String holderName) {}
