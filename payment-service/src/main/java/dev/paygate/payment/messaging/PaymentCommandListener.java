package dev.paygate.payment.messaging;

import dev.paygate.contracts.Topics;
import dev.paygate.contracts.command.CancelPayment;
import dev.paygate.contracts.command.CancelTransaction;
import dev.paygate.contracts.command.CapturePayment;
import dev.paygate.contracts.command.CompleteThreeDs;
import dev.paygate.contracts.command.ConfirmPayment;
import dev.paygate.contracts.command.CreatePayment;
import dev.paygate.contracts.command.CreateSession;
import dev.paygate.contracts.command.PaySession;
import dev.paygate.contracts.command.ExpireSession;
import dev.paygate.contracts.command.PaymentCommand;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.payment.payment.PaymentCommands;
import dev.paygate.payment.session.SessionCommands;
import dev.paygate.payment.session.SessionPayments;
import dev.paygate.support.config.PaygateProperties;
import dev.paygate.support.config.UndecodableMessageException;
import dev.paygate.support.outbox.InboxProcessor;
import dev.paygate.support.outbox.OutboxMessage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Consumes {@link Topics#PAYMENT_COMMANDS}. Each record is applied in its own transaction (inbox, change,
 * outbox) before the next record of its partition is taken, so one session or payment is never worked on
 * twice at once.
 */
@Component
public class PaymentCommandListener {

    private static final Logger log = LoggerFactory.getLogger(PaymentCommandListener.class);
    static final String CONSUMER = "payment-service";

    private final InboxProcessor inbox;
    private final SessionCommands sessions;
    private final SessionPayments sessionPayments;
    private final PaymentCommands payments;
    private final PaygateProperties properties;

    private final MeterRegistry meters;

    public PaymentCommandListener(InboxProcessor inbox, SessionCommands sessions, SessionPayments sessionPayments,
                                  PaymentCommands payments, PaygateProperties properties, MeterRegistry meters) {
        this.meters = meters;
        this.inbox = inbox;
        this.sessions = sessions;
        this.sessionPayments = sessionPayments;
        this.payments = payments;
        this.properties = properties;
    }

    @KafkaListener(id = "payment-commands", topics = Topics.PAYMENT_COMMANDS, groupId = CONSUMER,
            concurrency = "${paygate.kafka.concurrency:3}")
    public void onCommand(ConsumerRecord<String, byte[]> record) {
        PaymentCommand command = PaygateJson.wire().readValue(record.value(), PaymentCommand.class);
        // The listener thread is Kafka's own, not a reactive event loop: waiting here (bounded) is what keeps
        // records of one partition strictly in order. A timeout fails the record, which is then retried.
        Timer.Sample sample = Timer.start(meters);
        String outcome = "error";
        Boolean applied;
        try {
            applied = inbox.applyOnce(CONSUMER, command.commandId(), () -> apply(command))
                    .block(properties.getKafka().getCommandTimeout());
            outcome = Boolean.FALSE.equals(applied) ? "duplicate" : "applied";
        } finally {
            // paygate.commands.applied: the service's part of a command's latency (inbox, change, outbox, commit)
            sample.stop(Timer.builder("paygate.commands.applied").description("time to apply a command, by type")
                    .tag("command", command.getClass().getSimpleName()).tag("outcome", outcome).register(meters));
        }
        if (Boolean.FALSE.equals(applied)) {
            log.info("command {} was applied before; redelivery ignored", command.commandId());
        } else {
            // one line per command, in the trace of the request that sent it (ids and type only, never card data)
            log.info("command {} applied ({})", command.commandId(), command.getClass().getSimpleName());
        }
    }

    private Mono<List<OutboxMessage>> apply(PaymentCommand command) {
        if (command instanceof CreateSession c) {
            return sessions.create(c);
        } else if (command instanceof ExpireSession c) {
            return sessions.expire(c);
        } else if (command instanceof PaySession c) {
            return sessionPayments.pay(c);
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
        return Mono.error(new UndecodableMessageException("unhandled command " + command.getClass().getSimpleName()));
    }
}
