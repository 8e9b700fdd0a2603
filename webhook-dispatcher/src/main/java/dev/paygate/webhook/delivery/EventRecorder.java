package dev.paygate.webhook.delivery;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.event.StateChange;
import dev.paygate.webhook.endpoint.EndpointStore;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Records a received state change and fans it out to the merchant's subscribed endpoints, in one transaction:
 * the event row, then one pending delivery per endpoint. The event row doubles as the inbox, so a redelivered or
 * duplicated event makes no second delivery. Nothing is sent here; the {@link DeliveryWorker} sends.
 */
@Service
public class EventRecorder {

    /** @param duplicate the event had been recorded before; nothing was done */
    public record Recorded(boolean duplicate, long deliveries) {
    }

    private final EventStore events;
    private final EndpointStore endpoints;
    private final DeliveryStore deliveries;
    private final RetrySchedule schedule;
    private final TransactionalOperator tx;

    public EventRecorder(EventStore events, EndpointStore endpoints, DeliveryStore deliveries, RetrySchedule schedule,
                         TransactionalOperator tx) {
        this.events = events;
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.schedule = schedule;
        this.tx = tx;
    }

    public Mono<Recorded> record(StateChange change) {
        String body = WebhookBody.of(change);
        Mono<Recorded> recording = events.insert(change, body)
                .flatMap(first -> !first
                        ? Mono.just(new Recorded(true, 0))
                        // read all endpoints before inserting: one connection can't start a statement while
                        // a result is still streaming (r2dbc-postgresql would wait for ever)
                        : endpoints.subscribedTo(change.merchantId(), change.type().wireName())
                                .collectList()
                                .flatMapMany(reactor.core.publisher.Flux::fromIterable)
                                .concatMap(endpointId -> deliveries.insertPending(Ids.WEBHOOK_DELIVERY.next(),
                                        change.id(), endpointId, schedule.firstDelay()))
                                .filter(inserted -> inserted)
                                .count()
                                .map(count -> new Recorded(false, count)));
        return tx.transactional(recording);
    }
}
