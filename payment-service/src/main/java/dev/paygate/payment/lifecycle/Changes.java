package dev.paygate.payment.lifecycle;

import dev.paygate.acquirer.AcquirerRefusedException;
import dev.paygate.acquirer.AcquirerUnavailableException;
import dev.paygate.contracts.ProblemCodes;
import dev.paygate.contracts.Topics;
import dev.paygate.contracts.command.CommandReply;
import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.contracts.resource.Payment;
import dev.paygate.contracts.resource.Session;
import dev.paygate.payment.lifecycle.domain.StoredPayment;
import dev.paygate.support.config.PaygateProperties;
import dev.paygate.support.outbox.OutboxMessage;
import dev.paygate.support.outbox.StateChanges;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Turns state changes into the outbox messages that announce them: one event per change, then the reply. */
@Component
public class Changes {

    private final StateChanges changes;
    private final JsonMapper json = PaygateJson.wire();

    public Changes(PaygateProperties properties) {
        this.changes = new StateChanges(properties.getServiceName());
    }

    /** The event type a payment's new state is announced with (docs/webhooks.md, "Event types": one per change). */
    public static EventType eventFor(StoredPayment p, boolean created) {
        if (created) {
            return EventType.PAYMENT_CREATED;
        }
        return switch (p.status()) {
            case Payment.REQUIRES_ACTION -> EventType.PAYMENT_REQUIRES_ACTION;
            case Payment.REQUIRES_CAPTURE -> EventType.PAYMENT_REQUIRES_CAPTURE;
            case Payment.SUCCEEDED -> EventType.PAYMENT_SUCCEEDED;
            case Payment.CANCELED -> EventType.PAYMENT_CANCELED;
            case Payment.REQUIRES_PAYMENT_METHOD -> EventType.PAYMENT_FAILED;
            default -> EventType.PAYMENT_AMOUNT_UPDATED;
        };
    }

    public OutboxMessage event(StoredPayment p, EventType type) {
        return changes.announce(
                Topics.PAYMENT_EVENTS, "payment", type, p.updated(), p.id(), p.merchantId(), p.id(), p.toResource());
    }

    /** A session's state change; the session package passes its own resource, so payment need not know it. */
    public OutboxMessage sessionEvent(String id, String merchantId, Instant updated, Session resource, EventType type) {
        return changes.announce(Topics.PAYMENT_EVENTS, "session", type, updated, id, merchantId, id, resource);
    }

    public OutboxMessage ok(String key, String commandId, Payment resource) {
        return OutboxMessage.reply(key, CommandReply.ok(commandId, json.valueToTree(resource)));
    }

    public OutboxMessage ok(String key, String commandId, Session resource) {
        return OutboxMessage.reply(key, CommandReply.ok(commandId, json.valueToTree(resource)));
    }

    public OutboxMessage problem(String key, String commandId, int status, String code, String detail, String param) {
        return OutboxMessage.reply(key, CommandReply.problem(commandId, status, code, detail, param));
    }

    /** A refusal that still carries the resource as it now is (a declined card: 402 with the payment). */
    /**
     * The answer when the bank executed nothing: 502 {@code acquirer_unavailable} when it could not be reached, 502
     * {@code acquirer_refused} when it refused the request as wrong (the merchant's request was valid here; asking the
     * bank again would be refused again, so the command ends instead of retrying).
     */
    public OutboxMessage bankProblem(String key, String commandId, RuntimeException e) {
        if (e instanceof AcquirerRefusedException refused) {
            return problem(
                    key,
                    commandId,
                    502,
                    ProblemCodes.ACQUIRER_REFUSED,
                    "The bank refused the request (" + refused.code() + "); nothing was changed.",
                    null);
        }
        return problem(
                key,
                commandId,
                502,
                ProblemCodes.ACQUIRER_UNAVAILABLE,
                "The bank could not be reached; nothing was changed. " + e.getMessage(),
                null);
    }

    /** Whether {@code e} says the bank executed nothing (unreachable, or refused the request). */
    public static boolean nothingAtTheBank(Throwable e) {
        return e instanceof AcquirerUnavailableException || e instanceof AcquirerRefusedException;
    }

    public OutboxMessage problemWith(
            String key, String commandId, int status, String code, String detail, Payment resource) {
        return OutboxMessage.reply(
                key, new CommandReply(commandId, status, json.valueToTree(resource), code, detail, null));
    }

    public static List<OutboxMessage> of(List<OutboxMessage> events, OutboxMessage reply) {
        List<OutboxMessage> all = new ArrayList<>(events);
        all.add(reply);
        return all;
    }
}
