package dev.paygate.contracts.command;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Commands for refund-service, on {@link Topics#REFUND_COMMANDS}, keyed by payment id. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = CreateRefund.class, name = "refund.create"),
    @JsonSubTypes.Type(value = ReverseRefund.class, name = "refund.reverse")
})
public sealed interface RefundCommand permits CreateRefund, ReverseRefund {

    String commandId();

    String merchantId();

    /** The payment id: all of one payment's refunds are applied in order. */
    String key();
}
