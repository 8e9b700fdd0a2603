package dev.paygate.support.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;
import reactor.test.StepVerifier;

/**
 * Two real HTTP servers on loopback stand for two instances of a service; the client keeps its connections alive in
 * a pool, as every service's WebClient does.
 */
class ServiceInstancesTest {

    static final Duration WITHIN = Duration.ofSeconds(10);

    /** One instance: answers its name and the path and query it was asked for; /fail answers 503. */
    static final class Instance {
        final AtomicInteger requests = new AtomicInteger();
        final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        final DisposableServer server;

        Instance(String name) {
            server = HttpServer.create()
                    .host("127.0.0.1")
                    .port(0)
                    .doOnChannelInit((observer, channel, address) -> connections.add(channel))
                    .route(routes -> routes.get("/who", (request, response) -> {
                                requests.incrementAndGet();
                                return response.sendString(Mono.just(name + " " + request.uri()));
                            })
                            .post("/fail", (request, response) -> {
                                requests.incrementAndGet();
                                return request.receive()
                                        .then(response.status(503)
                                                .sendString(Mono.just(name))
                                                .then());
                            }))
                    .bindNow();
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + server.port());
        }

        /** As when the process is killed: the port closes, and so do the connections kept alive to it. */
        void stop() {
            server.disposeNow();
            connections.close().syncUninterruptibly();
        }
    }

    final ConnectionProvider pool = ConnectionProvider.create("service-instances-test", 8);
    /** The client's open connections (a closed one leaves the group). */
    final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    final WebClient.Builder builder = WebClient.builder()
            .clientConnector(new ReactorClientHttpConnector(
                    HttpClient.create(pool).doOnChannelInit((observer, channel, address) -> open.add(channel))));
    final Instance a = new Instance("a");
    final Instance b = new Instance("b");

    @AfterEach
    void stopAll() {
        a.stop();
        b.stop();
        pool.disposeLater().block(WITHIN);
    }

    /**
     * Stops the instance, and waits until the client has seen its kept-alive connections to it close (the pool then
     * drops them when next asked for one). A request written to such a connection just before it closed fails, and
     * is rightly not sent again: it may have arrived; that is a request in flight when the instance died.
     */
    void kill(Instance instance) {
        instance.stop();
        await().atMost(WITHIN)
                .until(() -> open.stream()
                        .noneMatch(channel -> channel.remoteAddress() instanceof InetSocketAddress to
                                && to.getPort() == instance.server.port()));
    }

    static Flux<String> who(WebClient client, int times) {
        return Flux.range(0, times)
                .concatMap(i -> client.get().uri("/who?n={n}", i).retrieve().bodyToMono(String.class));
    }

    @Test
    void requestsTakeTurnsBetweenTheInstancesKeepingPathAndQuery() {
        WebClient client = ServiceInstances.client(builder, a.url() + ", " + b.url());

        StepVerifier.create(who(client, 4))
                .expectNext("a /who?n=0", "b /who?n=1", "a /who?n=2", "b /who?n=3")
                .expectComplete()
                .verify(WITHIN);
    }

    @Test
    void whileOneInstanceIsStoppedEveryRequestIsAnsweredByTheOther() {
        WebClient client = ServiceInstances.client(builder, List.of(a.url(), b.url()));
        StepVerifier.create(who(client, 2))
                .expectNext("a /who?n=0", "b /who?n=1")
                .expectComplete()
                .verify(WITHIN);

        kill(b);

        StepVerifier.create(who(client, 6))
                .expectNext("a /who?n=0", "a /who?n=1", "a /who?n=2", "a /who?n=3", "a /who?n=4", "a /who?n=5")
                .expectComplete()
                .verify(WITHIN);
        assertThat(b.requests).hasValue(1);
    }

    @Test
    void aServerErrorIsTheAnswerAndIsNotTriedOnTheOtherInstance() {
        WebClient client = ServiceInstances.client(builder, List.of(a.url(), b.url()));

        StepVerifier.create(client.post()
                        .uri("/fail")
                        .bodyValue("{\"amount\": 100}")
                        .exchangeToMono(response -> response.bodyToMono(String.class)
                                .map(body -> response.statusCode().value() + " " + body)))
                .expectNext("503 a")
                .expectComplete()
                .verify(WITHIN);
        assertThat(a.requests).hasValue(1);
        assertThat(b.requests).hasValue(0);
    }

    @Test
    void whenNoInstanceCanBeReachedTheConnectFailureIsTheAnswer() {
        WebClient client = ServiceInstances.client(builder, List.of(a.url(), b.url()));
        a.stop();
        b.stop();

        StepVerifier.create(who(client, 1))
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(WebClientRequestException.class)
                        .hasCauseInstanceOf(ConnectException.class))
                .verify(WITHIN);
    }

    @Test
    void oneUrlIsOneInstanceAsBefore() {
        WebClient client = ServiceInstances.client(builder, a.url().toString());

        StepVerifier.create(who(client, 3))
                .expectNext("a /who?n=0", "a /who?n=1", "a /who?n=2")
                .expectComplete()
                .verify(WITHIN);

        kill(a);
        StepVerifier.create(who(client, 1))
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(WebClientRequestException.class)
                        .hasCauseInstanceOf(ConnectException.class))
                .verify(WITHIN);
        assertThat(b.requests).hasValue(0);
    }

    @Test
    void clientsBuiltFromOneBuilderEachKeepTheirOwnInstances() {
        WebClient first = ServiceInstances.client(builder, List.of(a.url(), b.url()));
        WebClient second = ServiceInstances.client(builder, List.of(b.url()));

        StepVerifier.create(who(second, 2).concatWith(who(first, 2)))
                .expectNext("b /who?n=0", "b /who?n=1", "a /who?n=0", "b /who?n=1")
                .expectComplete()
                .verify(WITHIN);
    }

    @Test
    void aListWhoseInstancesDifferInMoreThanTheirAddressIsRefused() {
        assertThatThrownBy(() -> ServiceInstances.client(builder, "http://a:8081/v1,http://b:8081/v2"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServiceInstances.client(builder, "http://a:8081,"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
