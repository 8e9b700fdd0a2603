package dev.paygate.contracts.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * Every state change emits exactly one of these (docs/webhooks.md, "Event types"). The wire name is the CloudEvents
 * {@code ce_type} and the webhook {@code type}; Java names never appear on the wire.
 */
public enum EventType {
    SESSION_CREATED("session.created"),
    SESSION_EXPIRED("session.expired"),
    SESSION_COMPLETED("session.completed"),
    PAYMENT_CREATED("payment.created"),
    PAYMENT_REQUIRES_ACTION("payment.requiresAction"),
    PAYMENT_REQUIRES_CAPTURE("payment.requiresCapture"),
    PAYMENT_SUCCEEDED("payment.succeeded"),
    PAYMENT_FAILED("payment.paymentFailed"),
    PAYMENT_AMOUNT_UPDATED("payment.amountUpdated"),
    PAYMENT_CANCELED("payment.canceled"),
    REFUND_UPDATED("refund.updated");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static EventType fromWireName(String name) {
        return Arrays.stream(values())
                .filter(t -> t.wireName.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown event type: " + name));
    }

    public static boolean isKnown(String name) {
        return Arrays.stream(values()).anyMatch(t -> t.wireName.equals(name));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
