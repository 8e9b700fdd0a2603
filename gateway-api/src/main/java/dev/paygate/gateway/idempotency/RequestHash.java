package dev.paygate.gateway.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a key is bound to: HMAC-SHA256 (hex) of the method, the path and the raw body, keyed with the gateway's
 * {@code PAYGATE_IDEMPOTENCY_HASH_KEY}. Only this digest is kept, so the table never holds a merchant's
 * request bodies; and since a body may carry a card number, whose few possible values a plain digest would let
 * anyone enumerate, the digest is keyed. The parts are length-prefixed, so no two different requests can run
 * together into the same input.
 */
final class RequestHash {

    private final SecretKeySpec key;

    RequestHash(String secret) {
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("paygate.gateway.idempotency-hash-key must have at least 16 characters");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    String of(String method, String path, String rawBody) {
        Mac mac = mac();
        for (String part : new String[] {method, path, rawBody == null ? "" : rawBody}) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            mac.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
            mac.update(bytes);
        }
        return HexFormat.of().formatHex(mac.doFinal());
    }

    /**
     * The id of the {@code n}-th command a request with this key publishes: the same every time the request runs,
     * unguessable without the hash key, in the shape of every command id ({@code cmd_} + 32 base58 characters).
     */
    String commandId(String merchantId, String idempotencyKey, int n) {
        Mac mac = mac();
        for (String part : new String[] {"command", merchantId, idempotencyKey, Integer.toString(n)}) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            mac.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
            mac.update(bytes);
        }
        byte[] digest = mac.doFinal();
        StringBuilder id = new StringBuilder("cmd_");
        for (int i = 0; i < 32; i++) {
            id.append(BASE58.charAt((digest[i] & 0xff) % BASE58.length()));
        }
        return id.toString();
    }

    private static final String BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    private Mac mac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
