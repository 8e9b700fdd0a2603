package dev.paygate.gateway.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What a key is bound to: SHA-256 (hex) of the method, the path and the raw body. Only a digest is kept, so the
 * table never holds a merchant's request bodies. The parts are length-prefixed, so no two different requests
 * can run together into the same input.
 */
final class RequestHash {

    private RequestHash() {
    }

    static String of(String method, String path, String rawBody) {
        MessageDigest digest = sha256();
        for (String part : new String[] {method, path, rawBody == null ? "" : rawBody}) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            digest.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
            digest.update(bytes);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
