package dev.paygate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.contracts.json.PaygateJson;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The fault suite's ledger check finds each kind of disagreement between the bank and Paygate, and nothing else. */
class BankReconciliationTest {

    static JsonNode ledger(String json) {
        return PaygateJson.wire().readTree(json);
    }

    static Load load(Load.Accepted... accepted) {
        Load load = new Load(null, BenchConfig.defaults(), java.util.List.of(), true);
        for (Load.Accepted a : accepted) {
            load.accepted.put(a.objectId(), a);
        }
        return load;
    }

    static Load.Accepted refund(String id, long amount) {
        return new Load.Accepted("refund", id, "p", amount, 0, 0, true);
    }

    static Load.Accepted cancel(String paymentId) {
        return new Load.Accepted("cancel", paymentId, paymentId, 1000, 0, 0, true);
    }

    @Test
    void aLedgerThatMatchesFindsNothing() {
        Reconciler.Reconciliation r = new Reconciler.Reconciliation();
        Reconciler.reconcileBank(
                Map.of("re_1", "succeeded", "re_2", "failed")::get,
                ledger("""
                [{"type": "refund", "reference": "re_1", "amount": 50, "outcome": "succeeded"},
                 {"type": "refund", "reference": "re_2", "amount": 20, "outcome": "failed"},
                 {"type": "authorization", "reference": "p_1", "authorizationId": "a_1", "outcome": "approved"},
                 {"type": "void", "reference": "a_1:void", "authorizationId": "a_1", "outcome": "voided"}]"""),
                load(refund("re_1", 50), refund("re_2", 20), cancel("p_1")),
                r);

        assertThat(r.bankMismatches).isZero();
        assertThat(r.clean()).isTrue();
    }

    @Test
    void everyKindOfDisagreementIsCounted() {
        Reconciler.Reconciliation r = new Reconciler.Reconciliation();
        Reconciler.reconcileBank(
                Map.of("re_missing", "succeeded", "re_amount", "succeeded", "re_outcome", "failed")::get,
                ledger("""
                [{"type": "refund", "reference": "re_amount", "amount": 40, "outcome": "succeeded"},
                 {"type": "refund", "reference": "re_outcome", "amount": 10, "outcome": "succeeded"},
                 {"type": "authorization", "reference": "p_1", "authorizationId": "a_1", "outcome": "approved"},
                 {"type": "void", "reference": "a_1:void", "authorizationId": "a_1", "outcome": "voided"},
                 {"type": "void", "reference": "other", "authorizationId": "a_1", "outcome": "voided"},
                 {"type": "authorization", "reference": "p_2", "authorizationId": "a_2", "outcome": "approved"},
                 {"type": "capture", "reference": "a_2:capture", "authorizationId": "a_2", "amount": 5},
                 {"type": "capture", "reference": "again", "authorizationId": "a_2", "amount": 5}]"""),
                load(
                        refund("re_missing", 30),
                        refund("re_amount", 30),
                        refund("re_outcome", 10),
                        cancel("p_1"),
                        cancel("p_3")),
                r);

        // not at the bank, another amount, another outcome; p_1 voided twice (as a cancel and as an authorization),
        // a_2 captured twice, p_3 never voided
        assertThat(r.bankMismatches).isEqualTo(7);
        assertThat(r.clean()).isFalse();
    }
}
