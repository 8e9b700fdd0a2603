package dev.paygate.gateway.http;

import dev.paygate.contracts.ProblemCodes;
import dev.paygate.contracts.resource.Address;
import dev.paygate.contracts.resource.CustomerDetails;
import dev.paygate.gateway.error.ApiException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Currency;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Field rules shared by every endpoint (docs/api.md, "Conventions"). Each failure names its field. */
public final class Validation {

    public static final long MAX_AMOUNT = 99_999_999L;
    private static final Set<String> CURRENCIES = Currency.getAvailableCurrencies().stream()
            .map(Currency::getCurrencyCode)
            .collect(Collectors.toUnmodifiableSet());

    private Validation() {}

    public static long amount(Long amount, String param) {
        if (amount == null) {
            throw ApiException.badRequest(
                    ProblemCodes.PARAMETER_MISSING, "Missing required parameter: " + param + ".", param);
        }
        if (amount <= 0 || amount > MAX_AMOUNT) {
            throw ApiException.badRequest(
                    ProblemCodes.AMOUNT_INVALID,
                    param + " must be an integer from 1 to " + MAX_AMOUNT + " in the currency's minor unit.",
                    param);
        }
        return amount;
    }

    /** An ISO 4217 code in any case, returned upper case. */
    public static String currency(String currency) {
        if (currency == null) {
            throw ApiException.badRequest(
                    ProblemCodes.PARAMETER_MISSING, "Missing required parameter: currency.", "currency");
        }
        String upper = currency.toUpperCase(Locale.ROOT);
        if (!upper.matches("[A-Z]{3}") || !CURRENCIES.contains(upper)) {
            throw ApiException.badRequest(
                    ProblemCodes.CURRENCY_INVALID, "currency must be an ISO 4217 code.", "currency");
        }
        return upper;
    }

    /** An optional absolute http(s) URL. */
    public static String url(String url, String param) {
        if (url == null) {
            return null;
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            if (url.length() <= 2048
                    && uri.isAbsolute()
                    && uri.getHost() != null
                    && ("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))) {
                return url;
            }
        } catch (URISyntaxException e) {
            // refused below
        }
        throw ApiException.badRequest(ProblemCodes.URL_INVALID, param + " must be an absolute http(s) URL.", param);
    }

    public static String text(String value, int maxLength, String param) {
        if (value != null && (value.length() > maxLength || hasControlCharacters(value))) {
            throw ApiException.badRequest(
                    ProblemCodes.PARAMETER_INVALID,
                    param + " must be at most " + maxLength + " printable characters.",
                    param);
        }
        return value;
    }

    /** At most 50 keys of at most 40 characters, values of at most 500. */
    public static Map<String, String> metadata(Map<String, String> metadata) {
        if (metadata == null) {
            return Map.of();
        }
        if (metadata.size() > 50) {
            throw ApiException.badRequest(
                    ProblemCodes.PARAMETER_INVALID, "metadata holds at most 50 keys.", "metadata");
        }
        metadata.forEach((key, value) -> {
            if (key.isEmpty() || key.length() > 40 || hasControlCharacters(key)) {
                throw ApiException.badRequest(
                        ProblemCodes.PARAMETER_INVALID, "metadata keys are 1 to 40 printable characters.", "metadata");
            }
            if (value == null || value.length() > 500) {
                throw ApiException.badRequest(
                        ProblemCodes.PARAMETER_INVALID,
                        "metadata values are strings of at most 500 characters.",
                        "metadata." + key);
            }
        });
        return Map.copyOf(metadata);
    }

    private static boolean hasControlCharacters(String s) {
        return s.chars().anyMatch(c -> Character.isISOControl(c));
    }

    /** The payer's details, each part optional and bounded; {@code {}} when absent. */
    public static CustomerDetails customerDetails(CustomerDetails c) {
        if (c == null) {
            return CustomerDetails.EMPTY;
        }
        Address a = c.address();
        if (a != null) {
            text(a.city(), 200, "customerDetails.address.city");
            text(a.line1(), 200, "customerDetails.address.line1");
            text(a.line2(), 200, "customerDetails.address.line2");
            text(a.postalCode(), 40, "customerDetails.address.postalCode");
            text(a.state(), 200, "customerDetails.address.state");
            if (a.country() != null && !a.country().matches("[A-Z]{2}")) {
                throw ApiException.badRequest(
                        ProblemCodes.PARAMETER_INVALID,
                        "customerDetails.address.country must be an ISO 3166-1 alpha-2 code.",
                        "customerDetails.address.country");
            }
        }
        text(c.name(), 200, "customerDetails.name");
        text(c.phone(), 40, "customerDetails.phone");
        if (c.email() != null && (c.email().length() > 320 || !c.email().matches("[^@\\s]+@[^@\\s]+"))) {
            throw ApiException.badRequest(
                    ProblemCodes.PARAMETER_INVALID,
                    "customerDetails.email is not an email address.",
                    "customerDetails.email");
        }
        return c;
    }
}
