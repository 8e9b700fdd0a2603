package dev.paygate.webhook.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhooks the Standard Webhooks way, so any receiver's Standard Webhooks library verifies them:
 * {@code v1,} + base64 of HMAC-SHA256 over {@code "{msgId}.{timestamp}.{body}"}, keyed with the base64-decoded
 * bytes of the secret after {@code whsec_}.
 */
public final class StandardWebhookSigner {

    private static final String ALGORITHM = "HmacSHA256";

    /**
     * @param secret           {@code whsec_…}
     * @param msgId            the {@code webhook-id} header (our event id)
     * @param timestampSeconds the {@code webhook-timestamp} header
     * @param body             the exact body bytes sent
     * @return the {@code webhook-signature} header value
     */
    public String sign(String secret, String msgId, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(SigningSecrets.keyBytes(secret), ALGORITHM));
            mac.update((msgId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            // HmacSHA256 is mandatory on every JVM; reaching this means a broken runtime, not bad input
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
