package dev.paygate.webhook.delivery;

import dev.paygate.contracts.Topics;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.contracts.webhook.DeadLetter;
import dev.paygate.support.PeriodicJob;
import dev.paygate.support.outbox.Outbox;
import dev.paygate.support.outbox.OutboxMessage;
import dev.paygate.support.outbox.OutboxRelay;
import dev.paygate.webhook.WebhookProperties;
import dev.paygate.webhook.endpoint.EndpointStore;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Sends due deliveries, at most {@code concurrency} attempts at once per instance.
 *
 * <p>A fresh delivery comes straight from the {@link EventRecorder} when a slot is free for it here and its endpoint
 * has room ({@link #tryTake}, {@link #handOver}): recorded leased to this instance, it needs no claim. The rest are
 * claimed: claims are sized to the free attempt slots, so a claimed delivery is sent at once and its lease (timeout
 * plus a margin) covers the whole attempt; a slow endpoint holds its slots, never more than its share. Deliveries
 * recorded without a slot wake the worker ({@link #wakeUp()}), and so does every finished attempt (a slot came free);
 * the poll interval is the fallback for retries coming due and for deliveries of an instance that died.
 *
 * <p>Every attempt is recorded before the delivery moves on. If recording fails (database down), the delivery
 * stays pending under its lease and is attempted again when the lease ends: it is never dropped, and the receiver
 * sees the same {@code webhook-id} again.
 */
@Component
public class DeliveryWorker extends PeriodicJob {

    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);

    private final DeliveryStore store;
    private final WebhookSender sender;
    private final RetrySchedule schedule;
    private final TransactionalOperator tx;
    private final int concurrency;
    private final int endpointConcurrency;
    /** Free slots that make a claim worth its query while attempts are in flight. */
    private final int claimBatch;

    private final Duration maxRetryAfter;
    private final Duration disableAfter;
    private final EndpointStore endpoints;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final DeliveryMetrics metrics;
    private final Duration lease;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Attempts in flight here, by endpoint: a fresh delivery is handed over only while its endpoint has room. */
    private final java.util.concurrent.ConcurrentHashMap<String, AtomicInteger> inFlightTo =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** Whether the last claim found fewer due deliveries than it had slots for (endpoints at their limit, or none due). */
    private volatile boolean lastClaimShort;
    /** Deliveries recorded or retried since the last claim: worth a claim at once. */
    private volatile boolean newWork = true;

    private final AtomicInteger finishedSinceClaim = new AtomicInteger();
    private volatile Sinks.Many<ClaimedDelivery> claimed =
            Sinks.many().unicast().onBackpressureBuffer();
    private volatile Disposable sending;

    public DeliveryWorker(
            DeliveryStore store,
            WebhookSender sender,
            RetrySchedule schedule,
            TransactionalOperator tx,
            WebhookProperties properties,
            EndpointStore endpoints,
            Outbox outbox,
            OutboxRelay relay,
            DeliveryMetrics metrics) {
        // one claim at start picks up whatever was due before a restart; the poll is the fallback for retries coming
        // due and deliveries recorded elsewhere
        super("webhook delivery claims", properties.getPollInterval(), true);
        if (properties.getEndpointConcurrency() < 1) {
            throw new IllegalArgumentException("paygate.webhooks.endpoint-concurrency must be at least 1");
        }
        this.endpointConcurrency = properties.getEndpointConcurrency();
        this.claimBatch = Math.max(1, properties.getConcurrency() / 8);
        this.maxRetryAfter = properties.getMaxRetryAfter();
        this.disableAfter = properties.getDisableAfter();
        this.endpoints = endpoints;
        this.outbox = outbox;
        this.relay = relay;
        this.metrics = metrics;
        if (properties.getConcurrency() < 1) {
            throw new IllegalArgumentException("paygate.webhooks.concurrency must be at least 1");
        }
        this.store = store;
        this.sender = sender;
        this.schedule = schedule;
        this.tx = tx;
        this.concurrency = properties.getConcurrency();
        this.lease = properties.getTimeout().plus(properties.getLeaseMargin());
    }

    /** Look for due deliveries now (new ones were recorded, or retried); cheap, and coalesced with other wake-ups. */
    @Override
    public synchronized void wakeUp() {
        newWork = true;
        super.wakeUp();
    }

    /** An attempt finished: its slot is free. */
    private void slotFreed() {
        finishedSinceClaim.incrementAndGet();
        super.wakeUp();
    }

    @Override
    protected void signalled(Trigger trigger) {
        if (trigger == Trigger.TICK) {
            // the poll: retries coming due and deliveries recorded elsewhere are new work, always claimed
            newWork = true;
        }
    }

    @Override
    protected Mono<Long> runOnce() {
        return claimDue();
    }

    /**
     * Takes an attempt slot for a fresh delivery to {@code endpointId}, if this instance has one free and so does the
     * endpoint: the caller then records the delivery leased to this instance (so no claim takes it) and, once that
     * has committed, hands it over ({@link #handOver}); if it doesn't, it gives the slot back ({@link #giveBack}).
     * Fresh deliveries so go to the senders in memory, and the claim query is left to retries and recovery.
     */
    public boolean tryTake(String endpointId) {
        if (!isRunning()) {
            return false;
        }
        int busy;
        do {
            busy = inFlight.get();
            if (busy >= concurrency) {
                return false;
            }
        } while (!inFlight.compareAndSet(busy, busy + 1));
        AtomicInteger toEndpoint = endpointSlots(endpointId);
        int n;
        do {
            n = toEndpoint.get();
            if (n >= endpointConcurrency) {
                inFlight.decrementAndGet();
                return false;
            }
        } while (!toEndpoint.compareAndSet(n, n + 1));
        return true;
    }

    /** A slot taken with {@link #tryTake} whose delivery is not to be sent after all. */
    public void giveBack(String endpointId) {
        release(endpointId);
    }

    /** Sends a delivery recorded leased to this instance, with the slot taken for it ({@link #tryTake}). */
    public void handOver(ClaimedDelivery delivery) {
        metrics.started("handed-over");
        // stopping: its lease runs out and the delivery is claimed again, by us or another instance
        emit(delivery);
    }

    /** How long a delivery recorded for {@link #handOver} stays leased to this instance. */
    public Duration lease() {
        return lease;
    }

    private AtomicInteger endpointSlots(String endpointId) {
        return inFlightTo.computeIfAbsent(endpointId, id -> new AtomicInteger());
    }

    private void release(String endpointId) {
        inFlight.decrementAndGet();
        endpointSlots(endpointId).decrementAndGet();
        slotFreed();
    }

    /** Claims and hand-overs come from different threads: the senders' sink takes one at a time. */
    private synchronized void emit(ClaimedDelivery delivery) {
        if (claimed.tryEmitNext(delivery).isFailure()) {
            release(delivery.endpointId());
        }
    }

    /** Claims as many due deliveries as there are free slots and hands them to the senders. */
    private Mono<Long> claimDue() {
        int busy = inFlight.get();
        int free = concurrency - busy;
        // claim in batches: one claim query for every few finished attempts, not one per attempt, so the
        // claim's cost stays small beside the sending however large the backlog is
        if (free <= 0 || (busy > 0 && free < claimBatch)) {
            return Mono.just(0L);
        }
        // when the last claim came back short, one finished attempt frees one slot of an endpoint at its limit: claim
        // again only once a few have finished (or new deliveries came), not once per attempt, since each claim reads
        // its window of due rows whatever it returns
        int few = Math.max(1, endpointConcurrency / 4);
        if (!newWork && lastClaimShort && busy >= few && finishedSinceClaim.get() < few) {
            return Mono.just(0L);
        }
        newWork = false;
        finishedSinceClaim.set(0);
        return store.claimDue(free, endpointConcurrency, lease)
                .doOnNext(delivery -> {
                    inFlight.incrementAndGet();
                    endpointSlots(delivery.endpointId()).incrementAndGet();
                    metrics.started("claimed");
                    // stopping: the lease runs out and the delivery is claimed again, by us or another instance
                    emit(delivery);
                })
                .count()
                .doOnNext(n -> lastClaimShort = n < free);
    }

    private Mono<Void> attempt(ClaimedDelivery delivery) {
        return sender.send(delivery)
                .flatMap(result -> record(delivery, result))
                .onErrorResume(e -> {
                    log.warn(
                            "attempt of delivery {} could not be recorded; it is attempted again when its lease ends: {}",
                            delivery.id(),
                            e.toString());
                    return Mono.empty();
                })
                .doFinally(signal -> release(delivery.endpointId()));
    }

    private Mono<Void> record(ClaimedDelivery delivery, AttemptResult result) {
        int attemptsMade = delivery.attempts() + 1;
        DeliveryDecision decision = DeliveryDecision.after(result, attemptsMade, schedule, maxRetryAfter);
        // the attempt and the delivery's next state (and, after a success, the end of the endpoint's failing streak):
        // one statement. After a failure, the endpoint's health and the dead letter join it in one transaction
        boolean succeeded = result.succeeded();
        Mono<Boolean> recording = store.recordAttempt(
                        delivery, result, decision.status(), decision.retryIn(), succeeded)
                .flatMap(advanced -> !advanced || succeeded
                        ? Mono.just(advanced)
                        : endpointHealth(delivery, decision)
                                .then(
                                        decision.failed()
                                                ? outbox.append(deadLetter(delivery, result, decision, attemptsMade))
                                                : Mono.empty())
                                .thenReturn(true));
        return (succeeded ? recording : tx.transactional(recording))
                .doOnNext(advanced -> {
                    if (advanced) {
                        metrics.attempted(
                                result,
                                decision.gone()
                                        ? "gone"
                                        : decision.failed()
                                                ? "failed"
                                                : DeliveryDecision.PENDING.equals(decision.status())
                                                        ? "retrying"
                                                        : "succeeded");
                        if (decision.failed()) {
                            relay.wakeUp();
                        }
                    }
                    log(delivery, result, attemptsMade, decision.status(), decision.retryIn(), advanced);
                })
                .then();
    }

    /** After a failed attempt: 410 disables the endpoint; another failure may, once the streak is old enough. */
    private Mono<Void> endpointHealth(ClaimedDelivery delivery, DeliveryDecision decision) {
        Mono<Boolean> disabled = decision.gone()
                ? endpoints.gone(delivery.endpointId())
                : endpoints.failed(delivery.endpointId(), disableAfter);
        return disabled.doOnNext(now -> {
                    if (now) {
                        log.warn(
                                "webhook endpoint {} disabled: {}",
                                delivery.endpointId(),
                                decision.gone()
                                        ? "it answered 410 Gone"
                                        : "it failed continuously for " + disableAfter);
                    }
                })
                .then();
    }

    private static OutboxMessage deadLetter(
            ClaimedDelivery d, AttemptResult r, DeliveryDecision decision, int attempts) {
        DeadLetter letter = new DeadLetter(
                d.id(),
                d.eventId(),
                d.eventType(),
                d.endpointId(),
                d.merchantId(),
                attempts,
                r.statusCode(),
                r.error(),
                decision.gone() ? DeadLetter.GONE : DeadLetter.EXHAUSTED,
                r.attemptedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        return new OutboxMessage(
                "delivery",
                d.id(),
                "webhook.delivery.failed",
                Topics.WEBHOOK_DLQ,
                d.endpointId(),
                java.util.Map.of("paygate_delivery_id", d.id()),
                PaygateJson.wire().writeValueAsString(letter));
    }

    private static void log(
            ClaimedDelivery d, AttemptResult r, int attemptsMade, String status, Duration retryIn, boolean advanced) {
        // endpoint ids only: a URL may carry credentials, and bodies and secrets stay out of logs
        if (!advanced) {
            log.info(
                    "delivery {} was attempted by another instance after our lease ran out; our attempt {} is recorded",
                    d.id(),
                    attemptsMade);
        } else if (DeliveryDecision.FAILED.equals(status)) {
            log.info(
                    "delivery {} of event {} to endpoint {} failed after {} attempts (last: {})",
                    d.id(),
                    d.eventId(),
                    d.endpointId(),
                    attemptsMade,
                    r.statusCode() != null ? r.statusCode() : r.error());
        } else if (DeliveryDecision.PENDING.equals(status)) {
            log.debug(
                    "delivery {} to endpoint {}: attempt {} failed ({}), next in {}",
                    d.id(),
                    d.endpointId(),
                    attemptsMade,
                    r.statusCode() != null ? r.statusCode() : r.error(),
                    retryIn);
        } else {
            log.debug("delivery {} to endpoint {} succeeded on attempt {}", d.id(), d.endpointId(), attemptsMade);
        }
    }

    @Override
    public synchronized void start() {
        // a unicast sink takes one subscriber, so a restart needs a new one
        claimed = Sinks.many().unicast().onBackpressureBuffer();
        inFlight.set(0);
        inFlightTo.clear();
        sending = claimed.asFlux().flatMap(this::attempt, concurrency).subscribe();
        super.start();
    }

    @Override
    public synchronized void stop() {
        // in-flight attempts are cancelled; their deliveries are attempted again when their leases end
        super.stop();
        Disposable current = sending;
        if (current != null) {
            current.dispose();
        }
        sending = null;
    }

    @Override
    public int getPhase() {
        // start after the Kafka listener containers' default phase, stop before them
        return Integer.MAX_VALUE - 100;
    }
}
