package dev.paygate.gateway.http;

import dev.paygate.contracts.ProblemCodes;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * A request with a body must say it is JSON: {@code Content-Type: application/json} (any charset) or a
 * {@code +json} type. Anything else — none, {@code text/plain}, a form, XML — is refused with 415 before any
 * handler reads it, so a body is never acted on under a type that claims it is something else. The one
 * exception: the hosted payment page ({@code POST /pay/{id}}) takes a plain HTML form,
 * {@code application/x-www-form-urlencoded}, and only that.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class JsonBodiesOnly implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        boolean hasBody = headers.getContentLength() > 0 || headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
        if (!hasBody || isJson(headers) || isHostedPageForm(exchange)) {
            return chain.filter(exchange);
        }
        // read (and drop) the body first, at most 64 KiB (RequestSizeLimit), so the connection stays usable
        return exchange.getRequest()
                .getBody()
                .doOnNext(org.springframework.core.io.buffer.DataBufferUtils::release)
                .then()
                .onErrorResume(e -> Mono.empty())
                .then(RequestSizeLimit.writeProblem(
                        exchange,
                        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                        ProblemCodes.UNSUPPORTED_MEDIA_TYPE,
                        "Send request bodies as application/json."));
    }

    /** The path prefix of the hosted payment page, which is posted as an HTML form. */
    public static final String HOSTED_PAGE_PREFIX = "/pay/";

    private static boolean isHostedPageForm(ServerWebExchange exchange) {
        if (!exchange.getRequest().getPath().pathWithinApplication().value().startsWith(HOSTED_PAGE_PREFIX)) {
            return false;
        }
        try {
            MediaType type = exchange.getRequest().getHeaders().getContentType();
            return type != null && MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(type);
        } catch (org.springframework.http.InvalidMediaTypeException e) {
            return false;
        }
    }

    private static boolean isJson(HttpHeaders headers) {
        try {
            MediaType type = headers.getContentType();
            return type != null
                    && (MediaType.APPLICATION_JSON.isCompatibleWith(type)
                            || (type.getSubtypeSuffix() != null
                                    && type.getSubtypeSuffix().equals("json")));
        } catch (org.springframework.http.InvalidMediaTypeException e) {
            return false;
        }
    }
}
