package dev.paygate.payment.payment.domain;

import static dev.paygate.contracts.resource.Payment.CANCELED;
import static dev.paygate.contracts.resource.Payment.PROCESSING;
import static dev.paygate.contracts.resource.Payment.REQUIRES_ACTION;
import static dev.paygate.contracts.resource.Payment.REQUIRES_CAPTURE;
import static dev.paygate.contracts.resource.Payment.REQUIRES_CONFIRMATION;
import static dev.paygate.contracts.resource.Payment.REQUIRES_PAYMENT_METHOD;
import static dev.paygate.contracts.resource.Payment.SUCCEEDED;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which operation each payment status allows (docs/api.md, "Payment statuses") — every rule about a payment's status is
 * in this table. Cancel is allowed exactly where the BPC API allows it: before capture, from
 * {@code requiresPaymentMethod}, {@code requiresCapture} or {@code requiresAction}. The bank's answer to an
 * authorization is recorded only while one can be under way: waiting for a payment method or a confirmation, or for 3-D
 * Secure. A secupay cancel's decision on top of these is {@link TransactionCancel}.
 */
public final class PaymentStateMachine {

    public static final List<String> STATUSES = List.of(
            REQUIRES_PAYMENT_METHOD,
            REQUIRES_CONFIRMATION,
            REQUIRES_ACTION,
            PROCESSING,
            REQUIRES_CAPTURE,
            SUCCEEDED,
            CANCELED);

    private static final Map<String, Set<PaymentOperation>> ALLOWED = Map.of(
            REQUIRES_PAYMENT_METHOD,
                    EnumSet.of(PaymentOperation.CONFIRM, PaymentOperation.CANCEL, PaymentOperation.AUTHORIZE),
            REQUIRES_CONFIRMATION, EnumSet.of(PaymentOperation.CONFIRM, PaymentOperation.AUTHORIZE),
            REQUIRES_ACTION,
                    EnumSet.of(PaymentOperation.COMPLETE_3DS, PaymentOperation.CANCEL, PaymentOperation.AUTHORIZE),
            PROCESSING, EnumSet.noneOf(PaymentOperation.class),
            REQUIRES_CAPTURE, EnumSet.of(PaymentOperation.CAPTURE, PaymentOperation.CANCEL, PaymentOperation.REDUCE),
            SUCCEEDED, EnumSet.noneOf(PaymentOperation.class),
            CANCELED, EnumSet.noneOf(PaymentOperation.class));

    private PaymentStateMachine() {}

    public static boolean allows(String status, PaymentOperation operation) {
        Set<PaymentOperation> allowed = ALLOWED.get(status);
        return allowed != null && allowed.contains(operation);
    }

    /** Throws {@link PaymentTransitionRejected} unless {@code status} allows {@code operation}. */
    public static void require(String paymentId, String status, PaymentOperation operation) {
        if (!allows(status, operation)) {
            throw new PaymentTransitionRejected(paymentId, status, operation);
        }
    }
}
