package dev.paygate.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.contracts.command.SecupayRefund;
import org.junit.jupiter.api.Test;

class SecupayRefundTest {

    @Test
    void aPartialRefundIsDescribedAsSecupayShowsIt() {
        SecupayRefund refund = new SecupayRefund("cmd_x", 48006155, "07.04.22", 48006156, "One piece less");

        assertThat(refund.description(false))
                .isEqualTo("TA-Code 48006155 (07.04.22)|Refund TA-Code 48006156 Teilerstattung|One piece less");
    }

    @Test
    void aFullRefundWithoutReasonIsAVollerstattungWithoutTheLastPart() {
        SecupayRefund refund = new SecupayRefund("cmd_x", 10000001, "22.11.26", 10000004, null);

        assertThat(refund.description(true))
                .isEqualTo("TA-Code 10000001 (22.11.26)|Refund TA-Code 10000004 Vollerstattung");
    }
}
