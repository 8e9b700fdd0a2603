package dev.paygate.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paygate.client.invoker.ApiClient;
import dev.paygate.client.model.Payment;
import dev.paygate.client.model.WebhookEndpoint;
import org.junit.jupiter.api.Test;

/** What Paygate may add later — fields, enum values — does not stop this client from reading an answer. */
class ForwardCompatibilityTest {

    private final ObjectMapper json = ApiClient.createDefaultObjectMapper();

    @Test
    void anUnknownFieldIsIgnored() throws Exception {
        Payment payment =
                json.readValue("{\"id\":\"p_1\",\"status\":\"succeeded\",\"addedLater\":{\"a\":1}}", Payment.class);

        assertThat(payment.getStatus()).isEqualTo("succeeded");
    }

    @Test
    void anUnknownEnumValueReadsAsUnknown() throws Exception {
        WebhookEndpoint known = json.readValue("{\"id\":\"we_1\",\"status\":\"disabled\"}", WebhookEndpoint.class);
        WebhookEndpoint later = json.readValue("{\"id\":\"we_1\",\"status\":\"paused\"}", WebhookEndpoint.class);

        assertThat(known.getStatus()).isEqualTo(WebhookEndpoint.StatusEnum.DISABLED);
        assertThat(later.getStatus()).isEqualTo(WebhookEndpoint.StatusEnum.UNKNOWN_DEFAULT_OPEN_API);
    }
}
