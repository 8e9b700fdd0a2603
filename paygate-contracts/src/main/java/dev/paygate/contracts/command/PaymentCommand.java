package dev.paygate.contracts.command;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Commands for payment-service, on {@link Topics#PAYMENT_COMMANDS}. The JSON property {@code type}
 * carries a logical name; Java class names never appear on the wire.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = CreateSession.class, name = "session.create"),
    @JsonSubTypes.Type(value = ExpireSession.class, name = "session.expire"),
    @JsonSubTypes.Type(value = PaySession.class, name = "session.pay"),
    @JsonSubTypes.Type(value = AuthenticateSessionPayment.class, name = "session.authenticate"),
    @JsonSubTypes.Type(value = CreatePayment.class, name = "payment.create"),
    @JsonSubTypes.Type(value = ConfirmPayment.class, name = "payment.confirm"),
    @JsonSubTypes.Type(value = CapturePayment.class, name = "payment.capture"),
    @JsonSubTypes.Type(value = CancelPayment.class, name = "payment.cancel"),
    @JsonSubTypes.Type(value = CompleteThreeDs.class, name = "payment.complete3ds"),
    @JsonSubTypes.Type(value = CancelTransaction.class, name = "transaction.cancel")
})
public sealed interface PaymentCommand
        permits CreateSession,
                ExpireSession,
                PaySession,
                AuthenticateSessionPayment,
                CreatePayment,
                ConfirmPayment,
                CapturePayment,
                CancelPayment,
                CompleteThreeDs,
                CancelTransaction {

    /** Unique per command: the inbox key and the request/reply correlation id. */
    String commandId();

    /** The merchant on whose behalf the command runs; resources of other merchants are invisible to it. */
    String merchantId();

    /** The Kafka key: the session id for session commands, the payment id for payment commands. */
    String key();
}
