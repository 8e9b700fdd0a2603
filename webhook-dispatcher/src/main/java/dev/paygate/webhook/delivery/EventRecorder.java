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

    /**
     * @param duplicates how many of the events had been recorded before (nothing was done for those)
     * @param deliveries deliveries made
     */
    public record Recorded(long duplicates, long deliveries) {

        public boolean duplicate() {
            return duplicates > 0;
        }
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
        return tx.transactional(recordOne(change, null));
    }

    /**
     * Several events in one transaction, in order: one commit for the lot. {@code traceparents} (same order, an
     * element may be {@code null}) are the traces the events arrived in; their deliveries continue them.
     */
    public Mono<Recorded> recordAll(java.util.List<StateChange> changes, java.util.List<String> traceparents) {
        return tx.transactional(reactor.core.publisher.Flux.range(0, changes.size())
                .concatMap(i -> recordOne(changes.get(i), traceparents.get(i)))
                .reduce(new Recorded(0, 0), (a, b) -> new Recorded(a.duplicates() + b.duplicates(),
                        a.deliveries() + b.deliveries())));
    }

    private Mono<Recorded> recordOne(StateChange change, String traceparent) {
        String body = WebhookBody.of(change);
        return events.insert(change, body, traceparent)
                .flatMap(first -> !first
                        ? Mono.just(new Recorded(1, 0))
                        // read all endpoints before inserting: one connection can't start a statement while
                        // a result is still streaming (r2dbc-postgresql would wait for ever)
                        : endpoints.subscribedTo(change.merchantId(), change.type().wireName())
                                .collectList()
                                .flatMapMany(reactor.core.publisher.Flux::fromIterable)
                                .concatMap(endpointId -> deliveries.insertPending(Ids.WEBHOOK_DELIVERY.next(),
                                        change.id(), endpointId, schedule.firstDelay()))
                                .filter(inserted -> inserted)
                                .count()
                                .map(count -> new Recorded(0, count)));
    }
}
