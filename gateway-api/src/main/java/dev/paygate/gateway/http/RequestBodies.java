package dev.paygate.gateway.http;

import dev.paygate.contracts.ProblemCodes;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.gateway.error.ApiException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Parses request bodies strictly ({@link PaygateJson#strict()}) and turns every refusal into a 400 that
 * names the offending field: unknown fields, floats or strings for integers, malformed JSON.
 */
public final class RequestBodies {

    private RequestBodies() {}

    public static <T> T parse(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest(ProblemCodes.INVALID_JSON, "A JSON object body is required.", null);
        }
        try {
            T value = PaygateJson.strict().readValue(body, type);
            if (value == null) {
                throw ApiException.badRequest(ProblemCodes.INVALID_JSON, "A JSON object body is required.", null);
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            String param = path(e);
            throw ApiException.badRequest(ProblemCodes.PARAMETER_UNKNOWN, "Unknown parameter: " + param + ".", param);
        } catch (DatabindException | InputCoercionException e) {
            // InputCoercionException: a number beyond the target type, e.g. an amount beyond a long
            String param = path(e);
            if (param.isEmpty()) {
                throw ApiException.badRequest(ProblemCodes.INVALID_JSON, "The body must be a JSON object.", null);
            }
            String code = switch (param) {
                case "amount", "reduce_amount_by" -> ProblemCodes.AMOUNT_INVALID;
                case "currency" -> ProblemCodes.CURRENCY_INVALID;
                default -> ProblemCodes.PARAMETER_INVALID;
            };
            throw ApiException.badRequest(code, "Invalid value for " + param + ".", param);
        } catch (JacksonException e) {
            throw ApiException.badRequest(ProblemCodes.INVALID_JSON, "The body is not valid JSON.", null);
        }
    }

    /** {@code customerDetails.address.city}, {@code enabledEvents[0]} */
    static String path(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
