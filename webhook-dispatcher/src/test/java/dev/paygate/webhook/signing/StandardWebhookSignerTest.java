package dev.paygate.webhook.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StandardWebhookSignerTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final String BODY = "{\"test\": 2432232314}";

    final StandardWebhookSigner signer = new StandardWebhookSigner();

    @Test
    void signsTheSpecTestVector() {
        assertThat(signer.sign(SECRET, MSG_ID, 1614265330L, BODY.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void theStandardWebhooksLibraryVerifiesOurSignatureWithAFreshSecret() {
        String secret = SigningSecrets.generate();
        String body = "{\"id\":\"evt_1\",\"data\":{\"object\":{\"name\":\"Zoë – 東京\"}}}";
        long now = Instant.now().getEpochSecond();
        String signature = signer.sign(secret, "evt_1", now, body.getBytes(StandardCharsets.UTF_8));

        assertThatCode(() -> new Webhook(secret).verify(body, headers("evt_1", now, signature)))
                .doesNotThrowAnyException();
    }

    @Test
    void theLibraryRejectsOurSignatureForAnotherBodyOrSecret() {
        String secret = SigningSecrets.generate();
        long now = Instant.now().getEpochSecond();
        String signature = signer.sign(secret, "evt_1", now, "{\"a\":1}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> new Webhook(secret).verify("{\"a\":2}", headers("evt_1", now, signature)))
                .isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() ->
                        new Webhook(SigningSecrets.generate()).verify("{\"a\":1}", headers("evt_1", now, signature)))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void generatedSecretsCarry24RandomBytes() {
        String secret = SigningSecrets.generate();
        assertThat(secret).startsWith("whsec_");
        assertThat(SigningSecrets.keyBytes(secret)).hasSize(24);
        assertThat(SigningSecrets.generate()).isNotEqualTo(secret);
    }

    static Map<String, List<String>> headers(String id, long timestamp, String signature) {
        return Map.of(
                "webhook-id", List.of(id),
                "webhook-timestamp", List.of(Long.toString(timestamp)),
                "webhook-signature", List.of(signature));
    }
}
