package dev.paygate.contracts.resource;

import java.util.Arrays;
import java.util.List;

/**
 * Every status a {@link Payment} can have, in the order of its life (docs/api.md, "Payment statuses"). The resource
 * carries the wire name ({@link Payment#SUCCEEDED} …); code that lists, checks or branches on statuses uses this.
 */
public enum PaymentStatus {
    REQUIRES_PAYMENT_METHOD(Payment.REQUIRES_PAYMENT_METHOD),
    REQUIRES_CONFIRMATION(Payment.REQUIRES_CONFIRMATION),
    REQUIRES_ACTION(Payment.REQUIRES_ACTION),
    PROCESSING(Payment.PROCESSING),
    REQUIRES_CAPTURE(Payment.REQUIRES_CAPTURE),
    SUCCEEDED(Payment.SUCCEEDED),
    CANCELED(Payment.CANCELED);

    private static final List<String> WIRE_NAMES =
            Arrays.stream(values()).map(PaymentStatus::wireName).toList();

    private final String wireName;

    PaymentStatus(String wireName) {
        this.wireName = wireName;
    }

    /** The status as the API and the events show it. */
    public String wireName() {
        return wireName;
    }

    /** Every status's wire name, in order. */
    public static List<String> wireNames() {
        return WIRE_NAMES;
    }

    /** The status of a wire name; throws {@link IllegalArgumentException} for one that is none. */
    public static PaymentStatus fromWire(String wireName) {
        for (PaymentStatus status : values()) {
            if (status.wireName.equals(wireName)) {
                return status;
            }
        }
        throw new IllegalArgumentException("no payment status " + wireName);
    }
}
