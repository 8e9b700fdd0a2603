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
 * handler reads it, so a body is never acted on under a type that claims it is something else.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class JsonBodiesOnly implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        boolean hasBody = headers.getContentLength() > 0 || headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
        if (!hasBody || isJson(headers)) {
            return chain.filter(exchange);
        }
        // read (and drop) the body first, at most 64 KiB (RequestSizeLimit), so the connection stays usable
        return exchange.getRequest().getBody()
                .doOnNext(org.springframework.core.io.buffer.DataBufferUtils::release)
                .then()
                .onErrorResume(e -> Mono.empty())
                .then(RequestSizeLimit.writeProblem(exchange, HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                        ProblemCodes.UNSUPPORTED_MEDIA_TYPE, "Send request bodies as application/json."));
    }

    private static boolean isJson(HttpHeaders headers) {
        try {
            MediaType type = headers.getContentType();
            return type != null && (MediaType.APPLICATION_JSON.isCompatibleWith(type)
                    || (type.getSubtypeSuffix() != null && type.getSubtypeSuffix().equals("json")));
        } catch (org.springframework.http.InvalidMediaTypeException e) {
            return false;
        }
    }
}
