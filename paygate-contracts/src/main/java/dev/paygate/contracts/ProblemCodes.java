package dev.paygate.contracts;

/** Stable, machine-readable {@code code} values of problem+json answers (docs/api.md, "Error codes"). */
public final class ProblemCodes {

    public static final String API_KEY_MISSING = "api_key_missing";
    public static final String API_KEY_INVALID = "api_key_invalid";
    public static final String ADMIN_TOKEN_INVALID = "admin_token_invalid";
    public static final String UNSUPPORTED_API_VERSION = "unsupported_api_version";
    public static final String INVALID_JSON = "invalid_json";
    public static final String PARAMETER_UNKNOWN = "parameter_unknown";
    public static final String PARAMETER_MISSING = "parameter_missing";
    public static final String PARAMETER_INVALID = "parameter_invalid";
    public static final String AMOUNT_INVALID = "amount_invalid";
    public static final String CURRENCY_INVALID = "currency_invalid";
    public static final String URL_INVALID = "url_invalid";
    public static final String RESOURCE_MISSING = "resource_missing";
    public static final String SESSION_INVALID_STATUS = "session_invalid_status";
    public static final String PAYMENT_INVALID_STATUS = "payment_invalid_status";
    public static final String CARD_DECLINED = "card_declined";
    public static final String AMOUNT_EXCEEDS_REFUNDABLE = "amount_exceeds_refundable";
    public static final String AMOUNT_EXCEEDS_AUTHORIZED = "amount_exceeds_authorized";
    public static final String TRANSACTION_ALREADY_REDUCED = "transaction_already_reduced";
    public static final String REFUND_INVALID_STATUS = "refund_invalid_status";
    public static final String ENDPOINT_DISABLED = "endpoint_disabled";
    public static final String TOO_MANY_FAILED_AUTHENTICATIONS = "too_many_failed_authentications";
    public static final String AUTHENTICATION_FAILED = "authentication_failed";
    public static final String AUTHENTICATION_REQUIRED = "authentication_required";
    public static final String CARD_INVALID = "card_invalid";
    public static final String ACQUIRER_UNAVAILABLE = "acquirer_unavailable";
    public static final String ACQUIRER_REFUSED = "acquirer_refused";
    public static final String BODY_TOO_LARGE = "body_too_large";
    public static final String UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type";
    public static final String METHOD_NOT_ALLOWED = "method_not_allowed";
    public static final String SERVICE_UNAVAILABLE = "service_unavailable";
    public static final String OVERLOADED = "overloaded";
    public static final String INTERNAL_ERROR = "internal_error";

    private ProblemCodes() {}
}
