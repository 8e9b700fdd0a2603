package dev.paygate.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void lengthsFollowTheDocumentedExamples() {
        // the BPC API's example ids (docs/api.md, "Conventions"): ps_2GRSigkh…, p_HbtjsyS…, re_PCPaoQP…
        assertThat(Ids.SESSION.next()).startsWith("ps_").hasSize(3 + 54);
        assertThat(Ids.PAYMENT.next()).startsWith("p_").hasSize(2 + 52);
        assertThat(Ids.REFUND.next()).startsWith("re_").hasSize(3 + 97);
        assertThat(Ids.EVENT.next()).startsWith("evt_").hasSize(4 + 32);
        assertThat(Ids.WEBHOOK_ENDPOINT.next()).startsWith("we_").hasSize(3 + 32);
        assertThat(Ids.SESSION.matches("ps_2GRSigkh7nHdxwjV4Yf7PpdEevc1dAwEvssZuP8TJ6mjuNmPMoV9mB"))
                .isTrue();
        assertThat(Ids.PAYMENT.matches("p_HbtjsyScZawhNKxmLPTFP3PDHmFq1B5BAZZ5mx8SP3wSMzVzwWob"))
                .isTrue();
        assertThat(
                        Ids.REFUND.matches(
                                "re_PCPaoQPuTeE293WF2Usq9enFQwVLwV5Kkz5uA9L52fYiDiTw8cmas5HhLMEaSzkEDuiMmPtbyZZnMZYqFbkw44ihSGRPEiL1F"))
                .isTrue();
    }

    @Test
    void matchesRejectsWrongPrefixLengthAndAlphabet() {
        String id = Ids.SESSION.next();
        assertThat(Ids.SESSION.matches(id)).isTrue();
        assertThat(Ids.PAYMENT.matches(id)).isFalse();
        assertThat(Ids.SESSION.matches(id + "x")).isFalse();
        assertThat(Ids.SESSION.matches(id.substring(0, id.length() - 1) + "0")).isFalse(); // 0 is not base58
        assertThat(Ids.SESSION.matches(null)).isFalse();
    }

    @Test
    void idsDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(Ids.EVENT.next())).isTrue();
        }
    }
}
