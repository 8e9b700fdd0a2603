package dev.paygate.payment.session;

import dev.paygate.contracts.ProblemCodes;
import dev.paygate.contracts.Topics;
import dev.paygate.contracts.command.CommandReply;
import dev.paygate.contracts.command.CreateSession;
import dev.paygate.contracts.command.ExpireSession;
import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.contracts.resource.CustomerDetails;
import dev.paygate.contracts.resource.Session;
import dev.paygate.payment.session.domain.SessionTransitionRejected;
import dev.paygate.payment.session.domain.StoredSession;
import dev.paygate.payment.session.store.SessionStore;
import dev.paygate.support.config.PaygateProperties;
import dev.paygate.support.outbox.OutboxMessage;
import dev.paygate.support.outbox.StateChanges;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Applies session commands. Runs inside the command's transaction and answers with what to publish: the
 * state change (if any) and the reply, so the change, its event and its reply commit together.
 */
@Service
@EnableConfigurationProperties(SessionProperties.class)
public class SessionCommands {

    private final SessionStore store;
    private final Clock clock;
    private final SessionProperties properties;
    private final StateChanges changes;
    private final JsonMapper json = PaygateJson.wire();

    public SessionCommands(SessionStore store, Clock clock, SessionProperties properties, PaygateProperties paygate) {
        this.store = store;
        this.clock = clock;
        this.properties = properties;
        this.changes = new StateChanges(paygate.getServiceName());
    }

    public Mono<List<OutboxMessage>> create(CreateSession c) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        StoredSession session = new StoredSession(
                c.sessionId(),
                c.merchantId(),
                c.amount(),
                c.currency(),
                c.customerDetails() == null ? CustomerDetails.EMPTY : c.customerDetails(),
                c.expiresAt() != null ? c.expiresAt() : now.plus(properties.getDefaultLifetime()),
                c.failureUrl(),
                c.successUrl(),
                c.locale(),
                c.merchantReferenceId(),
                c.metadata() == null ? Map.of() : c.metadata(),
                c.captureMethod(),
                Session.STATUS_OPEN,
                Session.PAYMENT_UNPAID,
                null,
                1,
                now,
                now);
        return store.insert(session)
                .map(inserted -> inserted
                        ? changed(c.commandId(), session, EventType.SESSION_CREATED)
                        : List.of(OutboxMessage.reply(
                                c.sessionId(),
                                CommandReply.problem(
                                        c.commandId(),
                                        409,
                                        "resource_already_exists",
                                        "Session " + c.sessionId() + " already exists.",
                                        "id"))));
    }

    public Mono<List<OutboxMessage>> expire(ExpireSession c) {
        return store.findForUpdate(c.sessionId(), c.merchantId())
                .flatMap(current -> {
                    StoredSession expired;
                    try {
                        expired = current.expire(clock.instant().truncatedTo(ChronoUnit.SECONDS));
                    } catch (SessionTransitionRejected rejected) {
                        return Mono.just(List.of(OutboxMessage.reply(
                                c.sessionId(),
                                CommandReply.problem(
                                        c.commandId(),
                                        409,
                                        ProblemCodes.SESSION_INVALID_STATUS,
                                        rejected.getMessage(),
                                        null))));
                    }
                    return store.updateStatus(expired)
                            .thenReturn(changed(c.commandId(), expired, EventType.SESSION_EXPIRED));
                })
                .switchIfEmpty(Mono.fromSupplier(() -> List.of(OutboxMessage.reply(
                        c.sessionId(),
                        CommandReply.problem(
                                c.commandId(),
                                404,
                                ProblemCodes.RESOURCE_MISSING,
                                "No such session: " + c.sessionId(),
                                "id")))));
    }

    private List<OutboxMessage> changed(String commandId, StoredSession session, EventType type) {
        Session resource = session.toResource();
        return List.of(
                changes.announce(
                        Topics.PAYMENT_EVENTS,
                        "session",
                        type,
                        session.updated(),
                        session.id(),
                        session.merchantId(),
                        session.id(),
                        resource),
                OutboxMessage.reply(session.id(), CommandReply.ok(commandId, json.valueToTree(resource))));
    }
}
