package dev.paygate.launcher;

import dev.paygate.client.webhooks.PaygateEvent;
import dev.paygate.client.webhooks.WebhookInbox;
import java.util.function.Consumer;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.scheduler.Schedulers;

/**
 * Paygate's webhooks in a Spring WebFlux application: declare {@link #routes()} as a {@code @Bean}. The inbox
 * verifies, deduplicates and orders; {@code onEvent} is your code, called once per event.
 */
class PaygateWebhookRoutes {
    private final WebhookInbox inbox;
    private final Consumer<PaygateEvent> onEvent;

    PaygateWebhookRoutes(WebhookInbox inbox, Consumer<PaygateEvent> onEvent) {
        this.inbox = inbox;
        this.onEvent = onEvent;
    }

    RouterFunction<ServerResponse> routes() {
        return RouterFunctions.route(
                RequestPredicates.POST("/paygate/webhooks"),
                request -> request.bodyToMono(String.class) // the raw body: the signature covers its bytes
                        .defaultIfEmpty("")
                        .publishOn(
                                Schedulers.boundedElastic()) // the JDBC stores and your code may block: off the event
                        // loop
                        .map(body -> inbox.receive(request.headers()::firstHeader, body, onEvent))
                        .flatMap(receipt ->
                                ServerResponse.status(receipt.httpStatus()).build())
                        .onErrorResume(
                                e -> ServerResponse.status(500).build())); // your code failed: Paygate sends it again
    }
}
