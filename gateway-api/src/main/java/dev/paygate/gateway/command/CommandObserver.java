package dev.paygate.gateway.command;

/**
 * Learns the id of every command a request publishes through {@link CommandBus}, just before it is published.
 * Whoever wants to know puts one into the request's Reactor Context under the key {@code CommandObserver.class};
 * the controllers stay unaware of it. Idempotency keys use this to tie a command whose outcome came too late
 * (202) to the key the request was sent with. Learning the id before publishing, not on the timeout, leaves no
 * moment in which a reply could arrive for a command nobody knows about.
 */
@FunctionalInterface
public interface CommandObserver {

    /** Called on the publishing thread; must be quick and must not throw. */
    void publishing(String commandId);

    /**
     * The id to publish a command under, {@code proposed} unless the observer has its own: a request with an
     * {@code Idempotency-Key} gives its n-th command the same id every time it runs, so a request run again after
     * the gateway that first ran it died sends the services the very same command (they apply a command id once,
     * and answer a repeated one with the reply it first got).
     */
    default String commandId(String proposed) {
        return proposed;
    }
}
