package dev.paygate.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * API keys are stored as SHA-256 digests. Generated keys carry over 200 bits of entropy, so a plain digest
 * (not a slow password hash) is enough to make a leaked table useless, and keeps every request cheap.
 */
final class ApiKeyHasher {

    private ApiKeyHasher() {}

    public static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** What may be shown of a key: its prefix and last four characters. */
    public static String hint(String key) {
        int prefix = Math.min(8, key.length() / 3);
        return key.substring(0, prefix) + "…" + key.substring(Math.max(prefix, key.length() - 4));
    }
}
