package dev.paygate.client;

import dev.paygate.client.api.EventsApi;
import dev.paygate.client.model.Event;
import dev.paygate.client.model.EventList;
import java.util.stream.Stream;

/** {@code /api2/events}: the merchant's events, to reconcile what webhooks missed. */
public final class Events {

    private final Calls calls;
    private final EventsApi api;
    private final String version;

    Events(Calls calls, EventsApi api, String version) {
        this.calls = calls;
        this.api = api;
        this.version = version;
    }

    public Event get(String id) {
        return calls.read("GET /api2/events/" + id, key -> api.webhookEndpointEventWithHttpInfo(id, version));
    }

    /** The events, newest first; {@code type} (as {@code refund.updated}) or null for all. */
    public Stream<Event> list(String type) {
        return Paging.stream(
                startingAfter -> {
                    EventList page = calls.read(
                            "GET /api2/events",
                            key -> api.webhookEndpointEventsWithHttpInfo(type, "100", startingAfter, version));
                    return new Paging.Page<>(page.getData(), Boolean.TRUE.equals(page.getHasMore()));
                },
                Event::getId);
    }
}
