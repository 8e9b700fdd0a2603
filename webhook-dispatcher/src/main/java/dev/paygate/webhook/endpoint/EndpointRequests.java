package dev.paygate.webhook.endpoint;

import dev.paygate.contracts.ProblemCodes;
import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.webhook.api.ApiProblem;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.PropertyBindingException;

/**
 * Reads and checks endpoint requests. Pure: no Spring, no I/O, so every rule is unit-tested. Every refusal is an
 * {@link ApiProblem} naming the offending field.
 */
final class EndpointRequests {

    /** Subscribes to every event type, present and future. */
    public static final String ALL_EVENTS = "*";

    static final int MAX_URL_LENGTH = 2048;
    static final int MAX_DESCRIPTION_LENGTH = 500;

    private final boolean allowHttp;

    public EndpointRequests(boolean allowHttp) {
        this.allowHttp = allowHttp;
    }

    /** Parses a create body strictly (unknown fields, wrong types and duplicate keys refused) and checks it. */
    public CreateEndpointRequest parseCreate(byte[] body) {
        CreateEndpointRequest request = parse(body, CreateEndpointRequest.class);
        return new CreateEndpointRequest(
                checkUrl(request.url()), checkEvents(request.enabledEvents()), checkDescription(request.description()));
    }

    private static <T> T parse(byte[] body, Class<T> type) {
        T request;
        try {
            request = PaygateJson.strict().readValue(body, type);
        } catch (PropertyBindingException unknown) {
            throw ApiProblem.badRequest(
                    ProblemCodes.PARAMETER_UNKNOWN,
                    "Unknown field '" + unknown.getPropertyName() + "'.",
                    unknown.getPropertyName());
        } catch (MismatchedInputException mismatch) {
            String param = firstProperty(mismatch);
            if (param == null) {
                throw ApiProblem.badRequest(ProblemCodes.INVALID_JSON, "The body must be a JSON object.", null);
            }
            throw ApiProblem.badRequest(
                    ProblemCodes.PARAMETER_INVALID, "Field '" + param + "' has the wrong type.", param);
        } catch (JacksonException malformed) {
            // the parser's message may quote the body; the body holds nothing secret, but keep the answer short
            throw ApiProblem.badRequest(ProblemCodes.INVALID_JSON, "The body is not valid JSON.", null);
        }
        if (request == null) {
            throw ApiProblem.badRequest(ProblemCodes.INVALID_JSON, "The body must be a JSON object.", null);
        }
        return request;
    }

    /** Parses an update body as strictly as a create body; the fields given are checked as on create. */
    public UpdateEndpointRequest parseUpdate(byte[] body) {
        UpdateEndpointRequest request = parse(body, UpdateEndpointRequest.class);
        return new UpdateEndpointRequest(
                request.url() == null ? null : checkUrl(request.url()),
                request.enabledEvents() == null ? null : checkEvents(request.enabledEvents()),
                checkDescription(request.description()),
                request.disabled());
    }

    String checkUrl(String url) {
        if (url == null) {
            throw ApiProblem.badRequest(ProblemCodes.PARAMETER_MISSING, "Field 'url' is required.", "url");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw invalidUrl("The url must be at most " + MAX_URL_LENGTH + " characters.");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalidUrl("The url is not a valid URL.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute()
                || uri.isOpaque()
                || uri.getHost() == null
                || uri.getHost().isEmpty()) {
            throw invalidUrl("The url must be an absolute http(s) URL with a host.");
        }
        if (scheme.equals("http") && !allowHttp) {
            throw invalidUrl("The url must use https.");
        }
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw invalidUrl("The url must be an absolute http(s) URL with a host.");
        }
        return url;
    }

    List<String> checkEvents(List<String> enabledEvents) {
        if (enabledEvents == null) {
            throw ApiProblem.badRequest(
                    ProblemCodes.PARAMETER_MISSING, "Field 'enabledEvents' is required.", "enabledEvents");
        }
        if (enabledEvents.isEmpty()) {
            throw invalidEvents("Field 'enabledEvents' must name at least one event type, or '*'.");
        }
        // duplicates are harmless; keep the first of each, in the merchant's order
        Set<String> distinct = new LinkedHashSet<>();
        for (String type : enabledEvents) {
            if (type == null || !(type.equals(ALL_EVENTS) || EventType.isKnown(type))) {
                throw invalidEvents("Unknown event type " + (type == null ? "null" : "'" + abbreviate(type) + "'")
                        + " in 'enabledEvents'.");
            }
            distinct.add(type);
        }
        return List.copyOf(distinct);
    }

    String checkDescription(String description) {
        if (description != null && description.length() > MAX_DESCRIPTION_LENGTH) {
            throw ApiProblem.badRequest(
                    ProblemCodes.PARAMETER_INVALID,
                    "Field 'description' must be at most " + MAX_DESCRIPTION_LENGTH + " characters.",
                    "description");
        }
        return description;
    }

    private static ApiProblem invalidUrl(String detail) {
        return ApiProblem.badRequest(ProblemCodes.URL_INVALID, detail, "url");
    }

    private static ApiProblem invalidEvents(String detail) {
        return ApiProblem.badRequest(ProblemCodes.PARAMETER_INVALID, detail, "enabledEvents");
    }

    private static String firstProperty(JacksonException e) {
        return e.getPath().stream()
                .map(JacksonException.Reference::getPropertyName)
                .filter(name -> name != null)
                .findFirst()
                .orElse(null);
    }

    private static String abbreviate(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "…";
    }
}
