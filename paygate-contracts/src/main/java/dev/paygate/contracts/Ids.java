package dev.paygate.contracts;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Prefixed random identifiers: base58 characters drawn from a secure random source, with the lengths
 * the BPC API's example ids show (docs/api.md, "Conventions").
 */
public enum Ids {
    SESSION("ps_", 54),
    PAYMENT("p_", 52),
    REFUND("re_", 97),
    EVENT("evt_", 32),
    WEBHOOK_ENDPOINT("we_", 32),
    WEBHOOK_DELIVERY("wd_", 32),
    MERCHANT("mer_", 24),
    API_KEY("key_", 24),
    COMMAND("cmd_", 32);

    private static final String ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String prefix;
    private final int length;
    private final Pattern pattern;

    Ids(String prefix, int length) {
        this.prefix = prefix;
        this.length = length;
        this.pattern = Pattern.compile(Pattern.quote(prefix) + "[" + ALPHABET + "]{" + length + "}");
    }

    public String prefix() {
        return prefix;
    }

    /** A new id of this kind. */
    public String next() {
        return prefix + randomBase58(length);
    }

    /** True when {@code id} has this kind's prefix, length and alphabet. */
    public boolean matches(String id) {
        return id != null && pattern.matcher(id).matches();
    }

    private static final String UPPER_ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /** A secupay transaction id: {@code PCI_} and 30 upper-case letters and digits (docs/secupay.md). */
    public static String transactionId() {
        StringBuilder out = new StringBuilder("PCI_");
        for (int i = 0; i < 30; i++) {
            out.append(UPPER_ALPHANUMERIC.charAt(RANDOM.nextInt(UPPER_ALPHANUMERIC.length())));
        }
        return out.toString();
    }

    public static boolean isTransactionId(String id) {
        return id != null && id.matches("PCI_[A-Z0-9]{30}");
    }

    /** {@code n} base58 characters from a secure random source (each chosen without modulo bias). */
    public static String randomBase58(int n) {
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            out.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }
}
