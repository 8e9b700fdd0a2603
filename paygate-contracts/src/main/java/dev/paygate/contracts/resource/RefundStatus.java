package dev.paygate.contracts.resource;

import java.util.Arrays;
import java.util.List;

/**
 * Every status a {@link Refund} can have (docs/api.md, "Refunds"). The resource carries the wire name
 * ({@link Refund#PENDING} …); code that lists, checks or branches on statuses uses this.
 */
public enum RefundStatus {
    PENDING(Refund.PENDING),
    SUCCEEDED(Refund.SUCCEEDED),
    FAILED(Refund.FAILED);

    private static final List<String> WIRE_NAMES =
            Arrays.stream(values()).map(RefundStatus::wireName).toList();

    private final String wireName;

    RefundStatus(String wireName) {
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
    public static RefundStatus fromWire(String wireName) {
        for (RefundStatus status : values()) {
            if (status.wireName.equals(wireName)) {
                return status;
            }
        }
        throw new IllegalArgumentException("no refund status " + wireName);
    }
}
