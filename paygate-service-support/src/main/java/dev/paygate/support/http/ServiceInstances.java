package dev.paygate.support.http;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * The instances of one of our services, as another of our services calls it: the setting that names the service
 * ({@code PAYGATE_PAYMENT_URL} and the like) may list several base URLs, comma-separated
 * ({@code http://payment-service-1:8081,http://payment-service-2:8081}); one URL works as it always has.
 *
 * <p>Each request goes to the next instance in turn. When the connection to it cannot be established (refused,
 * connect timeout, the name no longer resolves — a {@link ConnectException} or {@link UnknownHostException} anywhere
 * in the cause chain), the request never reached that instance, so it is sent to the next one, each instance at most
 * once. This is what keeps a killed instance from failing reads while its partner runs. Any other failure — a timeout
 * or a dropped connection after the request was sent, a 5xx answer — is passed on as it is, never retried: a POST
 * may already have had its effect there.
 *
 * <p>Why not a load balancer: between our own services a list is all it takes, with nothing more to run. Where the
 * platform balances already (a Kubernetes Service), its one URL is the whole setting.
 *
 * <p>The instances differ only in scheme, host and port; each request's path and query are kept. A request to an
 * absolute URL elsewhere passes unchanged.
 */
public final class ServiceInstances implements ExchangeFilterFunction {

    private final List<URI> instances;
    private final AtomicInteger next = new AtomicInteger();

    ServiceInstances(List<URI> instances) {
        if (instances.isEmpty()) {
            throw new IllegalArgumentException("a service URL names no instance");
        }
        String path = pathOf(instances.get(0));
        for (URI instance : instances) {
            if (!instance.isAbsolute() || instance.getHost() == null) {
                throw new IllegalArgumentException("a service instance needs a scheme and a host: '" + instance + "'");
            }
            if (!pathOf(instance).equals(path) || instance.getRawQuery() != null) {
                throw new IllegalArgumentException(
                        "the instances of a service may differ only in scheme, host and " + "port: " + instances);
            }
        }
        this.instances = List.copyOf(instances);
    }

    /** A client of the service at {@code urls}: one base URL, or several separated by commas. */
    public static WebClient client(WebClient.Builder builder, String urls) {
        return client(
                builder,
                Arrays.stream(urls.split(",", -1))
                        .map(String::trim)
                        .map(URI::create)
                        .toList());
    }

    /** A client of the service at these instances; the builder itself is left as it was. */
    public static WebClient client(WebClient.Builder builder, List<URI> urls) {
        ServiceInstances instances = new ServiceInstances(urls);
        WebClient.Builder client = builder.clone().baseUrl(urls.get(0).toString());
        return (urls.size() == 1 ? client : client.filter(instances)).build();
    }

    @Override
    public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction exchange) {
        if (!sameInstance(request.url(), instances.get(0))) {
            return exchange.exchange(request);
        }
        return attempt(request, exchange, Math.floorMod(next.getAndIncrement(), instances.size()), 0);
    }

    private Mono<ClientResponse> attempt(ClientRequest request, ExchangeFunction exchange, int first, int tried) {
        URI instance = instances.get((first + tried) % instances.size());
        URI url = UriComponentsBuilder.fromUri(request.url())
                .scheme(instance.getScheme())
                .host(instance.getHost())
                .port(instance.getPort())
                .build(true)
                .toUri();
        // the body is written only once connected, so a request that could not connect is still whole
        return exchange.exchange(ClientRequest.from(request).url(url).build())
                .onErrorResume(
                        error -> tried + 1 < instances.size() && notConnected(error),
                        error -> attempt(request, exchange, first, tried + 1));
    }

    private static boolean notConnected(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameInstance(URI url, URI instance) {
        return Objects.equals(url.getScheme(), instance.getScheme())
                && Objects.equals(url.getHost(), instance.getHost())
                && url.getPort() == instance.getPort();
    }

    private static String pathOf(URI instance) {
        String path = instance.getRawPath();
        return path == null || path.equals("/") ? "" : path;
    }
}
