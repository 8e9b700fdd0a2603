package dev.paygate.gateway.http;

import dev.paygate.contracts.ProblemCodes;
import dev.paygate.contracts.json.PaygateJson;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Refuses request bodies over 64 KiB with 413 (docs/api.md, "Error codes"): at once when {@code Content-Length}
 * says so, otherwise as soon as a chunked body grows past the limit. Only requests: the gateway's own calls to the
 * services keep the codecs' default limits.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestSizeLimit implements WebFilter {

    public static final long MAX_BODY_BYTES = 64 * 1024;

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (request.getHeaders().getContentLength() > MAX_BODY_BYTES) {
            return refuse(exchange);
        }
        ServerHttpRequest limited = new ServerHttpRequestDecorator(request) {
            @Override
            public Flux<DataBuffer> getBody() {
                AtomicLong seen = new AtomicLong();
                return super.getBody().handle((buffer, sink) -> {
                    if (seen.addAndGet(buffer.readableByteCount()) > MAX_BODY_BYTES) {
                        org.springframework.core.io.buffer.DataBufferUtils.release(buffer);
                        sink.error(new DataBufferLimitException("request body exceeds " + MAX_BODY_BYTES + " bytes"));
                    } else {
                        sink.next(buffer);
                    }
                });
            }
        };
        return chain.filter(exchange.mutate().request(limited).build());
    }

    private static Mono<Void> refuse(ServerWebExchange exchange) {
        return writeProblem(
                exchange,
                HttpStatus.CONTENT_TOO_LARGE,
                ProblemCodes.BODY_TOO_LARGE,
                "The request body exceeds 64 KiB.");
    }

    /** Answers problem+json from a filter, before any handler (and its error handling) runs. */
    public static Mono<Void> writeProblem(ServerWebExchange exchange, HttpStatus status, String code, String detail) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "urn:paygate:problem:" + code);
        problem.put("title", status.getReasonPhrase());
        problem.put("status", status.value());
        problem.put("detail", detail);
        problem.put("instance", exchange.getRequest().getPath().value());
        problem.put("code", code);
        byte[] bytes = PaygateJson.wire().writeValueAsString(problem).getBytes(StandardCharsets.UTF_8);
        exchange.getResponse().setStatusCode(status);
        exchange.getResponse().getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return exchange.getResponse()
                .writeWith(Mono.just(exchange.getResponse().bufferFactory().wrap(bytes)));
    }
}
