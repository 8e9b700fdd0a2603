package dev.paygate.webhook.delivery;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.event.StateChange;
import dev.paygate.webhook.endpoint.EndpointStore;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Records received state changes and fans them out to the merchants' subscribed endpoints, in one transaction:
 * the event rows and one pending delivery per event and endpoint, in one statement. The event row doubles as the inbox, so a redelivered or
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
    private final RetrySchedule schedule;
    private final TransactionalOperator tx;

    public EventRecorder(EventStore events, EndpointStore endpoints, RetrySchedule schedule,
                         TransactionalOperator tx) {
        this.events = events;
        this.endpoints = endpoints;
        this.schedule = schedule;
        this.tx = tx;
    }

    public Mono<Recorded> record(StateChange change) {
        return recordAll(java.util.List.of(change), java.util.Collections.singletonList(null));
    }

    /**
     * Several events in one transaction, in order, with two statements however many there are: the merchants'
     * endpoints, then the events with their deliveries. {@code traceparents} (same order, an element may be
     * {@code null}) are the traces the events arrived in; their deliveries continue them.
     */
    public Mono<Recorded> recordAll(java.util.List<StateChange> changes, java.util.List<String> traceparents) {
        if (changes.isEmpty()) {
            return Mono.just(new Recorded(0, 0));
        }
        java.util.Set<String> merchants = new java.util.TreeSet<>();
        changes.forEach(c -> merchants.add(c.merchantId()));
        return tx.transactional(endpoints.subscriptions(merchants).collectList().flatMap(subscriptions -> {
            java.util.List<EventStore.NewEvent> fresh = new java.util.ArrayList<>(changes.size());
            java.util.List<EventStore.NewDelivery> fanOut = new java.util.ArrayList<>();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < changes.size(); i++) {
                StateChange change = changes.get(i);
                if (!seen.add(change.id())) {
                    continue; // the same event twice in one poll
                }
                fresh.add(new EventStore.NewEvent(change, WebhookBody.of(change), traceparents.get(i)));
                for (EndpointStore.Subscription s : subscriptions) {
                    if (s.merchantId().equals(change.merchantId()) && s.takes(change.type().wireName())) {
                        fanOut.add(new EventStore.NewDelivery(Ids.WEBHOOK_DELIVERY.next(), change.id(), s.endpointId()));
                    }
                }
            }
            return events.insert(fresh, fanOut, schedule.firstDelay())
                    .map(r -> new Recorded(r.duplicates() + changes.size() - fresh.size(), r.deliveries()));
        }));
    }
}
