package dev.paygate.acquirer.simulator;

import dev.paygate.acquirer.AcquirerRefusedException;
import java.util.Arrays;

/**
 * The simulator's test cards (docs/api.md, "Test cards": Stripe's numbers). Any other number that passes the Luhn
 * check behaves like {@link #APPROVE}.
 */
public enum TestCard {
    APPROVE("4111111111111111", "approve"),
    DECLINE("4000000000000002", "decline"),
    THREE_DS("4000000000003220", "3ds"),
    REFUND_PENDING_THEN_SUCCEEDED("4000000000007726", "refund-pending"),
    REFUND_PENDING_THEN_FAILED("4000000000005126", "refund-fail");

    private final String number;
    private final String behaviour;

    TestCard(String number, String behaviour) {
        this.number = number;
        this.behaviour = behaviour;
    }

    public String number() {
        return number;
    }

    /** The behaviour tag carried in the simulator's tokens. */
    public String behaviour() {
        return behaviour;
    }

    public static TestCard forNumber(String number) {
        return Arrays.stream(values())
                .filter(c -> c.number.equals(number))
                .findFirst()
                .orElse(APPROVE);
    }

    /** By the masked form ({@code 400000**7726}); other cards behave like {@link #APPROVE}. */
    public static TestCard forMaskedNumber(String masked) {
        return Arrays.stream(values())
                .filter(c -> masked != null && masked.equals(c.number.substring(0, 6) + "**" + c.number.substring(12)))
                .findFirst()
                .orElse(APPROVE);
    }

    public static TestCard forBehaviour(String behaviour) {
        return Arrays.stream(values())
                .filter(c -> c.behaviour.equals(behaviour))
                .findFirst()
                .orElseThrow(() -> new AcquirerRefusedException("token_invalid", "not a simulator token"));
    }
}
