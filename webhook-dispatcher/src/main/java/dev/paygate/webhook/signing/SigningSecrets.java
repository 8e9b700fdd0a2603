package dev.paygate.webhook.signing;

import java.security.SecureRandom;
import java.util.Base64;

/** Endpoint signing secrets: {@code whsec_} + base64 of 24 secure random bytes. */
public final class SigningSecrets {

    public static final String PREFIX = "whsec_";
    private static final int KEY_BYTES = 24;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SigningSecrets() {}

    public static String generate() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The HMAC key of a secret: the base64-decoded part after {@code whsec_}. */
    static byte[] keyBytes(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            // the message names no part of the secret, so it can be logged safely
            throw new IllegalArgumentException("signing secret lacks the " + PREFIX + " prefix");
        }
        return Base64.getDecoder().decode(secret.substring(PREFIX.length()));
    }
}
