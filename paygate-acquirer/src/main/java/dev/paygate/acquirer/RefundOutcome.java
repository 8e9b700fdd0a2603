package dev.paygate.acquirer;

/** The bank's answer about a refund; {@code reference} identifies it at the bank for later status queries. */
public sealed interface RefundOutcome {

    String reference();

    record Succeeded(String reference) implements RefundOutcome {}

    /** Accepted, not yet executed: ask again later. */
    record Pending(String reference) implements RefundOutcome {}

    record Failed(String reference, String reason) implements RefundOutcome {}
}
