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
     * @param handedOver of those, how many went to this instance's senders at once (the rest wait for a claim)
     */
    public record Recorded(long duplicates, long deliveries, long handedOver) {

        public boolean duplicate() {
            return duplicates > 0;
        }
    }

    private final EventStore events;
    private final EndpointStore endpoints;
    private final RetrySchedule schedule;
    private final TransactionalOperator tx;
    private final DeliveryWorker worker;

    public EventRecorder(
            EventStore events,
            EndpointStore endpoints,
            RetrySchedule schedule,
            TransactionalOperator tx,
            DeliveryWorker worker) {
        this.worker = worker;
        this.events = events;
        this.endpoints = endpoints;
        this.schedule = schedule;
        this.tx = tx;
    }

    /** A fresh delivery recorded leased to this instance, and what it takes to send it once that has committed. */
    private record Handover(
            EventStore.NewDelivery delivery, EndpointStore.Subscription endpoint, EventStore.NewEvent event) {

        ClaimedDelivery claimed() {
            StateChange change = event.change();
            return new ClaimedDelivery(
                    delivery.id(),
                    change.id(),
                    endpoint.endpointId(),
                    0,
                    endpoint.url(),
                    endpoint.secret(),
                    event.body(),
                    endpoint.previousSecret(),
                    change.type().wireName(),
                    change.merchantId(),
                    event.traceparent());
        }
    }

    /**
     * Several events in one transaction, in order, with two statements however many there are: the merchants'
     * endpoints, then the events with their deliveries. {@code traceparents} (same order, an element may be
     * {@code null}) are the traces the events arrived in; their deliveries continue them.
     *
     * <p>A fresh delivery due at once goes to this instance's senders in memory when they have a slot for it (and
     * its endpoint has room): it is recorded leased to this instance and handed over once the transaction has
     * committed, so it costs no claim query. The others are recorded due, for the claim.
     */
    public Mono<Recorded> recordAll(java.util.List<StateChange> changes, java.util.List<String> traceparents) {
        if (changes.isEmpty()) {
            return Mono.just(new Recorded(0, 0, 0));
        }
        return Mono.defer(() -> {
            java.util.Set<String> merchants = new java.util.TreeSet<>();
            changes.forEach(c -> merchants.add(c.merchantId()));
            java.time.Duration first = schedule.firstDelay();
            java.util.List<Handover> taken = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicReference<java.util.Set<String>> made =
                    new java.util.concurrent.atomic.AtomicReference<>();
            Mono<Recorded> recording = endpoints
                    .subscriptions(merchants)
                    .collectList()
                    .flatMap(subscriptions -> {
                        java.util.List<EventStore.NewEvent> fresh = new java.util.ArrayList<>(changes.size());
                        java.util.List<EventStore.NewDelivery> fanOut = new java.util.ArrayList<>();
                        java.util.Set<String> seen = new java.util.HashSet<>();
                        for (int i = 0; i < changes.size(); i++) {
                            StateChange change = changes.get(i);
                            if (!seen.add(change.id())) {
                                continue; // the same event twice in one poll
                            }
                            EventStore.NewEvent event =
                                    new EventStore.NewEvent(change, WebhookBody.of(change), traceparents.get(i));
                            fresh.add(event);
                            for (EndpointStore.Subscription s : subscriptions) {
                                if (s.merchantId().equals(change.merchantId())
                                        && s.takes(change.type().wireName())) {
                                    boolean leased = first.isZero() && worker.tryTake(s.endpointId());
                                    EventStore.NewDelivery delivery = new EventStore.NewDelivery(
                                            Ids.WEBHOOK_DELIVERY.next(), change.id(), s.endpointId(), leased);
                                    fanOut.add(delivery);
                                    if (leased) {
                                        taken.add(new Handover(delivery, s, event));
                                    }
                                }
                            }
                        }
                        return events.insert(fresh, fanOut, first, worker.lease())
                                .map(inserted -> {
                                    made.set(inserted.deliveries());
                                    long handedOver = taken.stream()
                                            .filter(h -> inserted.deliveries()
                                                    .contains(h.delivery().id()))
                                            .count();
                                    return new Recorded(
                                            inserted.duplicates() + changes.size() - fresh.size(),
                                            inserted.deliveries().size(),
                                            handedOver);
                                });
                    });
            return tx.transactional(recording)
                    // committed: each slot taken goes with its delivery to the senders, or back if none was made
                    .doOnSuccess(recorded -> taken.forEach(h -> {
                        if (made.get() != null
                                && made.get().contains(h.delivery().id())) {
                            worker.handOver(h.claimed());
                        } else {
                            worker.giveBack(h.delivery().endpointId());
                        }
                    }))
                    .doOnError(
                            e -> taken.forEach(h -> worker.giveBack(h.delivery().endpointId())))
                    .doOnCancel(() ->
                            taken.forEach(h -> worker.giveBack(h.delivery().endpointId())));
        });
    }
}
