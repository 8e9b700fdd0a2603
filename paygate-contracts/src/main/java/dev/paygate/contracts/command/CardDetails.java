package dev.paygate.contracts.command;

/**
 * A tokenized card as commands carry it: the acquirer's token and what may be shown. The card number and
 * CVC never leave the gateway.
 */
public record CardDetails(String token, String maskedNumber, int expiryMonth, int expiryYear, String holderName) {}
