package dev.paygate.payment.lifecycle.domain;

import static dev.paygate.contracts.resource.PaymentStatus.CANCELED;
import static dev.paygate.contracts.resource.PaymentStatus.PROCESSING;
import static dev.paygate.contracts.resource.PaymentStatus.REQUIRES_ACTION;
import static dev.paygate.contracts.resource.PaymentStatus.REQUIRES_CAPTURE;
import static dev.paygate.contracts.resource.PaymentStatus.REQUIRES_CONFIRMATION;
import static dev.paygate.contracts.resource.PaymentStatus.REQUIRES_PAYMENT_METHOD;
import static dev.paygate.contracts.resource.PaymentStatus.SUCCEEDED;

import dev.paygate.contracts.resource.PaymentStatus;
import java.util.EnumMap;
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
final class PaymentStateMachine {

    /** Every status's wire name ({@link PaymentStatus}). */
    public static final List<String> STATUSES = PaymentStatus.wireNames();

    private static final Map<PaymentStatus, Set<PaymentOperation>> ALLOWED = new EnumMap<>(Map.of(
            REQUIRES_PAYMENT_METHOD,
                    EnumSet.of(PaymentOperation.CONFIRM, PaymentOperation.CANCEL, PaymentOperation.AUTHORIZE),
            REQUIRES_CONFIRMATION, EnumSet.of(PaymentOperation.CONFIRM, PaymentOperation.AUTHORIZE),
            REQUIRES_ACTION,
                    EnumSet.of(PaymentOperation.COMPLETE_3DS, PaymentOperation.CANCEL, PaymentOperation.AUTHORIZE),
            PROCESSING, EnumSet.noneOf(PaymentOperation.class),
            REQUIRES_CAPTURE, EnumSet.of(PaymentOperation.CAPTURE, PaymentOperation.CANCEL, PaymentOperation.REDUCE),
            SUCCEEDED, EnumSet.noneOf(PaymentOperation.class),
            CANCELED, EnumSet.noneOf(PaymentOperation.class)));

    static {
        if (!ALLOWED.keySet().equals(EnumSet.allOf(PaymentStatus.class))) {
            throw new IllegalStateException("the table must name every payment status");
        }
    }

    private PaymentStateMachine() {}

    public static boolean allows(String status, PaymentOperation operation) {
        return PaymentStatus.wireNames().contains(status) && allows(PaymentStatus.fromWire(status), operation);
    }

    public static boolean allows(PaymentStatus status, PaymentOperation operation) {
        return ALLOWED.get(status).contains(operation);
    }

    /** Throws {@link PaymentTransitionRejected} unless {@code status} allows {@code operation}. */
    public static void require(String paymentId, String status, PaymentOperation operation) {
        if (!allows(status, operation)) {
            throw new PaymentTransitionRejected(paymentId, status, operation);
        }
    }
}
