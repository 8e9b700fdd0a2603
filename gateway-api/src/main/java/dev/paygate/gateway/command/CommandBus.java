package dev.paygate.gateway.command;

import dev.paygate.contracts.Topics;
import dev.paygate.contracts.command.CommandReply;
import dev.paygate.contracts.command.PaymentCommand;
import dev.paygate.contracts.command.RefundCommand;
import dev.paygate.contracts.json.PaygateJson;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.requestreply.KafkaReplyTimeoutException;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** Publishes commands keyed by their resource id and awaits their reply. */
@Component
public class CommandBus {

    private static final ContextSnapshotFactory SNAPSHOTS =
            ContextSnapshotFactory.builder().build();

    private final ReplyingKafkaTemplate<String, byte[], byte[]> template;
    /**
     * Sends may block on producer metadata. They get threads of their own rather than the shared
     * boundedElastic pool, so that nothing else blocking in this JVM can starve them (a bulkhead).
     */
    private final Scheduler sends = Schedulers.newBoundedElastic(
            Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE,
            Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE,
            "gateway-command-send",
            60,
            true);

    private final MeterRegistry meters;

    public CommandBus(ReplyingKafkaTemplate<String, byte[], byte[]> template, MeterRegistry meters) {
        this.template = template;
        this.meters = meters;
    }

    /**
     * Emits the command's reply, or {@link Outcome#unknown()} when none arrived within the reply timeout (the
     * command still runs; its effect arrives by webhook). Fails if the command could not be published. A
     * {@link CommandObserver} in the Reactor Context learns the command's id before it is published.
     */
    public Mono<Outcome> send(PaymentCommand command) {
        return timed(
                command.getClass().getSimpleName(),
                send(
                        Topics.PAYMENT_COMMANDS,
                        command.key(),
                        command.commandId(),
                        PaygateJson.wire().writeValueAsBytes(command)));
    }

    /** The same, for refund-service's commands. */
    public Mono<Outcome> send(RefundCommand command) {
        return timed(
                command.getClass().getSimpleName(),
                send(
                        Topics.REFUND_COMMANDS,
                        command.key(),
                        command.commandId(),
                        PaygateJson.wire().writeValueAsBytes(command)));
    }

    /**
     * {@code paygate.commands}: time from publishing a command to its reply, by command type and outcome
     * ({@code replied} with the reply's status class, {@code unknown} when no reply came in time, {@code error}
     * when it could not be published).
     */
    private Mono<Outcome> timed(String type, Mono<Outcome> sending) {
        return Mono.defer(() -> {
            Timer.Sample sample = Timer.start(meters);
            return sending.doOnEach(signal -> {
                if (signal.isOnNext() || signal.isOnError()) {
                    Outcome outcome = signal.get();
                    String result = signal.isOnError() ? "error" : outcome.known() ? "replied" : "unknown";
                    String status = outcome != null && outcome.known()
                            ? (outcome.reply().status() / 100) + "xx"
                            : "none";
                    sample.stop(Timer.builder("paygate.commands")
                            .description("command round trip, publish to reply")
                            .tag("command", type)
                            .tag("outcome", result)
                            .tag("status", status)
                            .register(meters));
                }
            });
        });
    }

    private Mono<Outcome> send(String topic, String key, String proposedId, byte[] value) {
        // sendAndReceive may block on producer metadata: keep it off the event loop
        return Mono.deferContextual(context -> {
                    java.util.Optional<CommandObserver> observer = context.getOrEmpty(CommandObserver.class);
                    String commandId =
                            observer.map(o -> o.commandId(proposedId)).orElse(proposedId);
                    ProducerRecord<String, byte[]> record = new ProducerRecord<>(
                            topic, key, commandId.equals(proposedId) ? value : withCommandId(value, commandId));
                    record.headers().add(Topics.COMMAND_ID_HEADER, CommandConfiguration.utf8(commandId));
                    observer.ifPresent(o -> o.publishing(commandId));
                    // on the sending thread, the request's observation is current again: the template's send
                    // observation is its child and writes its traceparent onto the record
                    return Mono.fromCallable(() -> {
                        try (ContextSnapshot.Scope scope = SNAPSHOTS.setThreadLocalsFrom(context)) {
                            return template.sendAndReceive(record);
                        }
                    });
                })
                .subscribeOn(sends)
                .flatMap(future -> Mono.fromFuture(future.getSendFuture()).then(Mono.fromFuture(future)))
                .map(reply -> Outcome.of(PaygateJson.wire().readValue(reply.value(), CommandReply.class)))
                .onErrorResume(KafkaReplyTimeoutException.class, e -> Mono.just(Outcome.unknown()));
    }

    private static byte[] withCommandId(byte[] command, String commandId) {
        tools.jackson.databind.node.ObjectNode tree =
                (tools.jackson.databind.node.ObjectNode) PaygateJson.wire().readTree(command);
        tree.put("commandId", commandId);
        return PaygateJson.wire().writeValueAsBytes(tree);
    }

    /** Waits until the reply consumer has its partitions, so no reply is missed; for readiness. */
    public boolean awaitReplyAssignment(Duration timeout) throws InterruptedException {
        return template.waitForAssignment(timeout);
    }

    /** A command's outcome; {@code reply} is null when it is not known in time. */
    public record Outcome(CommandReply reply) {

        static Outcome of(CommandReply reply) {
            return new Outcome(reply);
        }

        static Outcome unknown() {
            return new Outcome(null);
        }

        public boolean known() {
            return reply != null;
        }
    }
}
