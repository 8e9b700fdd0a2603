package dev.paygate.acquirer.bank;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.acquirer.Authorization;
import dev.paygate.acquirer.CardInput;
import dev.paygate.acquirer.CardToken;
import dev.paygate.acquirer.RefundOutcome;
import dev.paygate.acquirer.simulator.SimulatedCardTokenizer;
import dev.paygate.contracts.json.PaygateJson;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class BankApiTest {

    /** How long a step that only arranges a test may wait: a bank that never answers fails it, never hangs it. */
    static final java.time.Duration ARRANGE = java.time.Duration.ofSeconds(10);

    @Test
    void anAuthorizationCarriesTheTokenAndWhatMayBeShownNeverTheNumberOrCvc() {
        CardToken token = new SimulatedCardTokenizer(Clock.systemUTC())
                .tokenize(new CardInput("4111111111111111", "737", 12, 2030, "TEST CARDHOLDER"))
                .block(ARRANGE);

        String body = PaygateJson.wire()
                .writeValueAsString(new BankApi.AuthorizeBody(BankApi.Card.of(token), 1000, "EUR", false));

        JsonNode card = PaygateJson.wire().readTree(body).get("card");
        assertThat(card.propertyNames())
                .containsExactlyInAnyOrder("token", "maskedNumber", "expiryMonth", "expiryYear", "holderName");
        assertThat(body)
                .doesNotContain("4111111111111111")
                .doesNotContain("737")
                .contains("411111**1111");
        assertThat(BankApi.Card.of(token).toToken()).isEqualTo(token);
    }

    @Test
    void answersMapBothWays() {
        List<Authorization> authorizations = List.of(
                new Authorization.Approved("auth_1"),
                new Authorization.Declined("card_declined", "The card was declined."),
                new Authorization.RequiresAction());
        List<RefundOutcome> refunds = List.of(
                new RefundOutcome.Succeeded("rf_1"),
                new RefundOutcome.Pending("rf_2"),
                new RefundOutcome.Failed("rf_3", "The bank could not credit the card."));

        assertThat(authorizations)
                .allSatisfy(
                        a -> assertThat(roundTrip(BankApi.AuthorizationAnswer.of(a), BankApi.AuthorizationAnswer.class)
                                        .toAuthorization())
                                .isEqualTo(a));
        assertThat(refunds)
                .allSatisfy(r -> assertThat(roundTrip(BankApi.RefundAnswer.of(r), BankApi.RefundAnswer.class)
                                .toOutcome())
                        .isEqualTo(r));
        assertThat(PaygateJson.wire()
                        .writeValueAsString(BankApi.AuthorizationAnswer.of(new Authorization.RequiresAction())))
                .isEqualTo("{\"status\":\"requires_action\"}");
    }

    static <T> T roundTrip(T value, Class<T> type) {
        return PaygateJson.wire().readValue(PaygateJson.wire().writeValueAsString(value), type);
    }
}
