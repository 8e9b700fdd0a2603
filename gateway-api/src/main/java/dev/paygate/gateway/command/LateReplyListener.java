package dev.paygate.gateway.command;

import dev.paygate.contracts.command.CommandReply;

/**
 * Hears replies that arrive after the gateway stopped waiting for them (the request answered 202). Every gateway
 * instance reads every reply, so {@link #awaits} is asked first, cheaply, and only the replies a listener awaits
 * are decoded and handed over.
 */
public interface LateReplyListener {

    /** Whether this listener wants the late reply to that command; called for every reply nobody waits for. */
    boolean awaits(String commandId);

    /** Called on the reply consumer's thread: must not block, and should not throw. */
    void onLateReply(CommandReply reply);
}
