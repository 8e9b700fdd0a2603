package dev.paygate.payment.messaging;

import dev.paygate.contracts.Topics;
import dev.paygate.contracts.command.AuthenticateSessionPayment;
import dev.paygate.contracts.command.CancelPayment;
import dev.paygate.contracts.command.CancelTransaction;
import dev.paygate.contracts.command.CapturePayment;
import dev.paygate.contracts.command.CompleteThreeDs;
import dev.paygate.contracts.command.ConfirmPayment;
import dev.paygate.contracts.command.CreatePayment;
import dev.paygate.contracts.command.CreateSession;
import dev.paygate.contracts.command.ExpireSession;
import dev.paygate.contracts.command.PaySession;
import dev.paygate.contracts.command.PaymentCommand;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.payment.lifecycle.PaymentCommands;
import dev.paygate.payment.session.SessionCommands;
import dev.paygate.payment.session.SessionPayments;
import dev.paygate.support.calls.OrderedCalls;
import dev.paygate.support.config.PaygateProperties;
import dev.paygate.support.config.UndecodableMessageException;
import dev.paygate.support.observability.Traces;
import dev.paygate.support.outbox.ConcurrentChangeException;
import dev.paygate.support.outbox.InboxProcessor;
import dev.paygate.support.outbox.Plan;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.core.JacksonException;

/**
 * Consumes {@link Topics#PAYMENT_COMMANDS}, keyed by payment (or session). A poll's commands run at once, each
 * payment's one after another in their order ({@link OrderedCalls}): a command reads, asks the bank with no
 * transaction open and no row locked, and writes its outcome in a short transaction with its inbox row and outbox
 * messages ({@link InboxProcessor#applyPlanned}). The poll's offsets are committed only when every command of it
 * is written, so a crash between a bank call and its write brings the command again, and the bank, asked again under
 * the same reference, executes nothing twice. A command that finds its payment changed meanwhile (another instance, a
 * zombie that woke up) runs again from the start.
 */
@Component
class PaymentCommandListener {

    private static final Logger log = LoggerFactory.getLogger(PaymentCommandListener.class);
    static final String CONSUMER = "payment-service";

    private final InboxProcessor inbox;
    private final SessionCommands sessions;
    private final SessionPayments sessionPayments;
    private final PaymentCommands payments;
    private final PaygateProperties properties;
    private final MeterRegistry meters;
    private final OrderedCalls calls;
    private final Duration batchTimeout;
    private final Traces tracing;

    public PaymentCommandListener(
            InboxProcessor inbox,
            SessionCommands sessions,
            SessionPayments sessionPayments,
            PaymentCommands payments,
            PaygateProperties properties,
            MeterRegistry meters,
            @Value("${paygate.acquirer.max-in-flight:256}") int maxInFlight,
            @Value("${paygate.acquirer.timeout:10s}") Duration bankTimeout,
            Traces tracing) {
        this.tracing = tracing;
        this.meters = meters;
        this.inbox = inbox;
        this.sessions = sessions;
        this.sessionPayments = sessionPayments;
        this.payments = payments;
        this.properties = properties;
        this.calls = new OrderedCalls(maxInFlight);
        // a poll's commands of one payment run one after another, each with up to two bank calls
        this.batchTimeout = properties.getKafka().getCommandTimeout().plus(PaymentCommands.operationLease(bankTimeout));
        Gauge.builder("paygate.commands.in.flight", calls, OrderedCalls::inFlight)
                .description("payment commands under way (reading, at the bank, or writing)")
                .register(meters);
    }

    /**
     * A poll's commands, many at once. A record that doesn't decode is passed by the error handler (named by its
     * index) once those before it are applied; a command that fails fails the poll, which is redelivered and finds
     * what was applied in the inbox.
     */
    @KafkaListener(
            id = "payment-commands",
            topics = Topics.PAYMENT_COMMANDS,
            groupId = CONSUMER,
            concurrency = "${paygate.kafka.concurrency:3}",
            batch = "true",
            properties = "max.poll.records=${paygate.kafka.batch-size:100}")
    public void onCommands(List<ConsumerRecord<String, byte[]>> records) {
        List<PaymentCommand> commands = new ArrayList<>(records.size());
        List<String> traces = new ArrayList<>(records.size());
        int undecodable = -1;
        JacksonException why = null;
        for (int i = 0; i < records.size() && undecodable < 0; i++) {
            try {
                commands.add(PaygateJson.wire().readValue(records.get(i).value(), PaymentCommand.class));
                traces.add(Traces.traceparent(records.get(i)));
            } catch (JacksonException e) {
                undecodable = i;
                why = e;
            }
        }
        // Kafka's own thread, not an event loop: waiting (bounded) commits the offsets only after every write
        java.util.concurrent.atomic.AtomicReferenceArray<Throwable> failed =
                new java.util.concurrent.atomic.AtomicReferenceArray<>(Math.max(1, commands.size()));
        Flux.range(0, commands.size())
                .flatMap(
                        i -> calls.submit(commands.get(i).key(), () -> applyOne(commands.get(i), traces.get(i)))
                                .onErrorResume(e -> {
                                    failed.set(i, e);
                                    return Mono.empty();
                                }),
                        Math.max(1, commands.size()))
                .then()
                .block(batchTimeout);
        for (int i = 0; i < commands.size(); i++) {
            if (failed.get(i) != null) {
                // those before it are written; it and those after come again (the inbox knows which were applied)
                throw new BatchListenerFailedException(
                        "payment command " + commands.get(i).commandId() + " failed", failed.get(i), i);
            }
        }
        if (undecodable >= 0) {
            throw new BatchListenerFailedException(
                    "undecodable payment command",
                    new UndecodableMessageException(
                            "payment command at offset "
                                    + records.get(undecodable).offset(),
                            why),
                    undecodable);
        }
    }

    /** One command, in a span of its own that continues the trace its record carries (logs and messages in it). */
    private Mono<Boolean> applyOne(PaymentCommand command, String traceparent) {
        return Mono.using(
                () -> tracing.start(
                        "payment command " + command.getClass().getSimpleName(),
                        traceparent,
                        io.micrometer.tracing.Span.Kind.CONSUMER),
                span -> applyOne(command, span)
                        .contextWrite(Traces.parent(
                                tracing.traceparent(span) == null ? traceparent : tracing.traceparent(span))),
                io.micrometer.tracing.Span::end);
    }

    private Mono<Boolean> applyOne(PaymentCommand command, io.micrometer.tracing.Span span) {
        Timer.Sample sample = Timer.start(meters);
        return Mono.defer(() -> inbox.applyPlanned(CONSUMER, command.commandId(), () -> plan(command)))
                // the payment changed since it was read (or another command's operation is under way on it): anew
                .retryWhen(Retry.backoff(50, Duration.ofMillis(20))
                        .maxBackoff(Duration.ofSeconds(1))
                        .filter(ConcurrentChangeException.class::isInstance))
                .doOnEach(signal -> {
                    if (!signal.isOnNext() && !signal.isOnError()) {
                        return;
                    }
                    String outcome =
                            signal.isOnError() ? "error" : Boolean.FALSE.equals(signal.get()) ? "duplicate" : "applied";
                    // paygate.commands.applied: the service's part of a command's latency (bank included)
                    sample.stop(Timer.builder("paygate.commands.applied")
                            .description("time to apply a command, by type")
                            .tag("command", command.getClass().getSimpleName())
                            .tag("outcome", outcome)
                            .register(meters));
                    if (signal.isOnNext()) {
                        try (var scope = tracing.inScope(span)) {
                            // one line per command, in the trace of the request that sent it (ids and type, no card
                            // data)
                            if (Boolean.FALSE.equals(signal.get())) {
                                log.info("command {} was applied before; redelivery ignored", command.commandId());
                            } else {
                                log.info(
                                        "command {} applied ({})",
                                        command.commandId(),
                                        command.getClass().getSimpleName());
                            }
                        }
                    }
                });
    }

    private Mono<Plan> plan(PaymentCommand command) {
        if (command instanceof CreateSession c) {
            return Mono.just(() -> sessions.create(c));
        } else if (command instanceof ExpireSession c) {
            return Mono.just(() -> sessions.expire(c));
        } else if (command instanceof PaySession c) {
            return sessionPayments.pay(c);
        } else if (command instanceof AuthenticateSessionPayment c) {
            return sessionPayments.authenticate(c);
        } else if (command instanceof CreatePayment c) {
            return payments.create(c);
        } else if (command instanceof ConfirmPayment c) {
            return payments.confirm(c);
        } else if (command instanceof CapturePayment c) {
            return payments.capture(c);
        } else if (command instanceof CancelPayment c) {
            return payments.cancel(c);
        } else if (command instanceof CompleteThreeDs c) {
            return payments.completeThreeDs(c);
        } else if (command instanceof CancelTransaction c) {
            return payments.cancelTransaction(c);
        }
        return Mono.error(new UndecodableMessageException(
                "unhandled command " + command.getClass().getSimpleName()));
    }
}
