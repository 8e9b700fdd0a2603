package dev.paygate.contracts;

import java.util.List;

/**
 * Kafka topic names: a public, versioned contract (docs/operations.md, "Kafka topics"). Every topic is created
 * explicitly with its partition count; brokers run with topic auto-creation off.
 */
public final class Topics {

    /** Session and payment commands, keyed by session id (sessions) or payment id (payments). */
    public static final String PAYMENT_COMMANDS = "paygate.payment-commands.v1";
    /** Refund commands, keyed by payment id. */
    public static final String REFUND_COMMANDS = "paygate.refund-commands.v1";
    /** Session and payment state changes as CloudEvents (binary mode), keyed like their commands. */
    public static final String PAYMENT_EVENTS = "paygate.payment-events.v1";
    /** Refund state changes as CloudEvents (binary mode), keyed by payment id. */
    public static final String REFUND_EVENTS = "paygate.refund-events.v1";
    /** Command outcomes for the gateway (spring-kafka request/reply, correlated by command id). */
    public static final String COMMAND_REPLIES = "paygate.command-replies.v1";
    /** Webhook deliveries that exhausted their retries. */
    public static final String WEBHOOK_DLQ = "paygate.webhook-dlq.v1";

    public static final List<String> ALL =
            List.of(PAYMENT_COMMANDS, REFUND_COMMANDS, PAYMENT_EVENTS, REFUND_EVENTS, COMMAND_REPLIES, WEBHOOK_DLQ);

    /** The header that carries a command's id, so replies can be correlated without parsing. */
    public static final String COMMAND_ID_HEADER = "paygate_command_id";

    private Topics() {}
}
