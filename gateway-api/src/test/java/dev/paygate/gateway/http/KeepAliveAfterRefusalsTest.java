package dev.paygate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.contracts.ApiVersions;
import dev.paygate.gateway.GatewayProperties;
import dev.paygate.gateway.auth.ApiContext;
import dev.paygate.gateway.auth.ApiContextResolver;
import dev.paygate.gateway.auth.AuthFailures;
import dev.paygate.gateway.auth.MerchantStore;
import dev.paygate.gateway.error.ProblemHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webflux.autoconfigure.HttpHandlerAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.error.ErrorWebFluxAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A keep-alive connection keeps answering after a refusal that was pipelined behind a request answered off the event
 * loop (Reactor Netty #4361, fixed in 1.3.8): the gateway's real filters, error handling and API-key resolution on
 * Boot's real Netty server, with the key lookup answered from another thread as R2DBC answers it. Over one raw
 * socket, a good authenticated GET and a refusal (404, 405, 413 by {@code Content-Length}, 415, 401) go in one write;
 * after both answers, one more GET on the same connection must be answered too. With Reactor Netty 1.3.6 that GET
 * sat unread in the socket in 20 rounds of 20 after a 404, 405, 413 or 401 (the 415, whose filter reads the body
 * first, got through there; it stays as a guard). The stall is a race, so each refusal is tried {@link #ROUNDS}
 * times. No Kafka, no PostgreSQL.
 */
@SpringBootTest(
        classes = KeepAliveAfterRefusalsTest.Gateway.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=gateway-api", "paygate.gateway.auth-failure-limit=1000000"})
class KeepAliveAfterRefusalsTest {

    static final int ROUNDS = 20;
    static final String KEY = "sk_test_keepalive";
    /** How long the last request of a round may take to be answered; a good one takes milliseconds. */
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(3);

    /** The gateway's web layer without its stores: the request filters, {@link WebConfiguration}, the error handling. */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({
        NettyReactiveWebServerAutoConfiguration.class,
        HttpHandlerAutoConfiguration.class,
        WebFluxAutoConfiguration.class,
        ErrorWebFluxAutoConfiguration.class,
        CodecsAutoConfiguration.class,
        JacksonAutoConfiguration.class
    })
    @EnableConfigurationProperties(GatewayProperties.class)
    @Import({
        RequestSizeLimit.class,
        JsonBodiesOnly.class,
        WebConfiguration.class,
        ApiContextResolver.class,
        AuthFailures.class,
        ProblemHandler.class,
        Things.class
    })
    static class Gateway {

        @Bean
        Clock clock() {
            return Clock.systemUTC();
        }

        /** Answers the key lookup after a moment on another thread, as the database's event loop does. */
        @Bean
        MerchantStore merchants() {
            return new MerchantStore(null) {
                @Override
                public Mono<Merchant> findByKey(String key) {
                    return Mono.delay(Duration.ofMillis(20))
                            .then(Mono.justOrEmpty(
                                    KEY.equals(key) ? new Merchant("mer_1", "m", ApiVersions.DEFAULT) : null));
                }
            };
        }
    }

    @RestController
    static class Things {

        @GetMapping("/api2/things/{id}")
        Mono<Map<String, String>> get(ApiContext api, @PathVariable String id) {
            return Mono.just(Map.of("id", id, "merchant", api.merchantId()));
        }

        @PostMapping("/api2/things")
        Mono<Map<String, String>> create(ApiContext api, @RequestBody String body) {
            return Mono.just(Map.of("merchant", api.merchantId()));
        }
    }

    /** Refusals the gateway gives without any I/O, each with the request that gets it. */
    enum Refusal {
        NOT_FOUND(404, "GET /api2/nowhere HTTP/1.1\r\nHost: gw\r\nX-Api-Key: " + KEY + "\r\n\r\n"),
        METHOD_NOT_ALLOWED(405, "DELETE /api2/things/t1 HTTP/1.1\r\nHost: gw\r\nX-Api-Key: " + KEY + "\r\n\r\n"),
        TOO_LARGE_BY_CONTENT_LENGTH(413, post("application/json", "{\"x\": \"" + "a".repeat(70_000) + "\"}")),
        NOT_JSON(415, post("text/plain", "name=x")),
        NO_KEY(401, "GET /api2/things/t1 HTTP/1.1\r\nHost: gw\r\n\r\n");

        final int status;
        final String request;

        Refusal(int status, String request) {
            this.status = status;
            this.request = request;
        }

        private static String post(String type, String body) {
            return "POST /api2/things HTTP/1.1\r\nHost: gw\r\nX-Api-Key: " + KEY + "\r\nContent-Type: " + type
                    + "\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
        }
    }

    static final String GOOD = "GET /api2/things/t1 HTTP/1.1\r\nHost: gw\r\nX-Api-Key: " + KEY + "\r\n\r\n";

    @LocalServerPort
    int port;

    @ParameterizedTest
    @EnumSource(Refusal.class)
    void theNextRequestOnTheConnectionIsAnsweredAfterAPipelinedRefusal(Refusal refusal) throws IOException {
        List<String> stalled = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            try (Socket socket = new Socket("localhost", port)) {
                socket.setSoTimeout((int) ANSWER_WITHIN.toMillis());
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                // one write: the refusal arrives while the good request waits for its key lookup on another thread
                out.write((GOOD + refusal.request).getBytes(StandardCharsets.UTF_8));
                out.flush();
                Response first = Response.read(in);
                Response second = Response.read(in);
                assertThat(first.status).as("round %d: the good request", round).isEqualTo(200);
                assertThat(second.status).as("round %d: the refusal", round).isEqualTo(refusal.status);
                assertThat(second.header("connection"))
                        .as("round %d: the refusal keeps the connection", round)
                        .isNotEqualToIgnoringCase("close");
                // then one more request on the same connection
                out.write(GOOD.getBytes(StandardCharsets.UTF_8));
                out.flush();
                try {
                    assertThat(Response.read(in).status)
                            .as("round %d: the request after", round)
                            .isEqualTo(200);
                } catch (SocketTimeoutException e) {
                    stalled.add("round " + round);
                }
            }
        }
        assertThat(stalled)
                .as("rounds of %d whose last request got no answer within %s", ROUNDS, ANSWER_WITHIN)
                .isEmpty();
    }

    /** An HTTP/1.1 response read off the socket: status line, headers, and a body by length or chunks. */
    record Response(int status, Map<String, String> headers, byte[] body) {

        String header(String name) {
            return headers.getOrDefault(name, "");
        }

        static Response read(InputStream in) throws IOException {
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new java.util.HashMap<>();
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                int colon = line.indexOf(':');
                headers.put(
                        line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (headers.getOrDefault("transfer-encoding", "").equalsIgnoreCase("chunked")) {
                for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
                        size > 0;
                        size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                    body.write(in.readNBytes(size));
                    line(in);
                }
                for (String trailer = line(in); !trailer.isEmpty(); trailer = line(in)) {
                    // trailers are not used
                }
            } else {
                body.write(in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0"))));
            }
            return new Response(status, headers, body.toByteArray());
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new java.io.EOFException("the connection was closed; read so far: " + line);
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }
    }
}
