package dev.paygate.gateway.auth;

import dev.paygate.contracts.ApiVersions;
import dev.paygate.contracts.ProblemCodes;
import dev.paygate.gateway.error.ApiException;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Resolves an {@link ApiContext} argument: authenticates the {@code X-Api-Key} (or {@code Authorization:
 * Bearer}, the secupay form) and checks {@code X-Version}. Authentication comes first, so an anonymous
 * caller learns nothing else about the request.
 */
@Component
public class ApiContextResolver implements HandlerMethodArgumentResolver {

    public static final String API_KEY_HEADER = "X-Api-Key";
    public static final String VERSION_HEADER = "X-Version";

    private final MerchantStore merchants;
    private final AuthFailures failures;

    public ApiContextResolver(MerchantStore merchants, AuthFailures failures) {
        this.merchants = merchants;
        this.failures = failures;
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return ApiContext.class.equals(parameter.getParameterType());
    }

    @Override
    public Mono<Object> resolveArgument(
            MethodParameter parameter, BindingContext bindingContext, ServerWebExchange exchange) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        String client = AuthFailures.clientOf(exchange.getRequest());
        var wait = failures.blocked(client);
        if (wait.isPresent()) {
            return Mono.error(new ApiException(
                    HttpStatus.TOO_MANY_REQUESTS,
                    ProblemCodes.TOO_MANY_FAILED_AUTHENTICATIONS,
                    "Too many failed authentications from this client; try again later.",
                    null,
                    wait.get()));
        }
        String key = key(headers);
        if (key == null) {
            failures.failed(client);
            return Mono.error(new ApiException(
                    HttpStatus.UNAUTHORIZED,
                    ProblemCodes.API_KEY_MISSING,
                    "Authenticate with the X-Api-Key header.",
                    API_KEY_HEADER));
        }
        return merchants
                .findByKey(key)
                .switchIfEmpty(Mono.defer(() -> {
                    failures.failed(client);
                    return Mono.error(new ApiException(
                            HttpStatus.UNAUTHORIZED,
                            ProblemCodes.API_KEY_INVALID,
                            "The API key is not valid.",
                            API_KEY_HEADER));
                }))
                .map(merchant -> new ApiContext(merchant.id(), version(headers, merchant.defaultApiVersion())));
    }

    private static String key(HttpHeaders headers) {
        String key = headers.getFirst(API_KEY_HEADER);
        if (key == null) {
            String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
            if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                key = authorization.substring(7);
            }
        }
        key = key == null ? null : key.strip();
        return key == null || key.isEmpty() || key.length() > 512 ? null : key;
    }

    private static String version(HttpHeaders headers, String merchantDefault) {
        String version = headers.getFirst(VERSION_HEADER);
        if (version == null) {
            return merchantDefault;
        }
        if (!ApiVersions.SUPPORTED.contains(version)) {
            throw ApiException.badRequest(
                    ProblemCodes.UNSUPPORTED_API_VERSION,
                    "API version '" + abbreviate(version) + "' is not supported; use one of " + ApiVersions.SUPPORTED
                            + ".",
                    VERSION_HEADER);
        }
        return version;
    }

    private static String abbreviate(String s) {
        String printable = s.replaceAll("[^\\x20-\\x7E]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "…" : printable;
    }
}
