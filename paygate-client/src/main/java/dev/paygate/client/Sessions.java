package dev.paygate.client;

import dev.paygate.client.api.SessionsApi;
import dev.paygate.client.model.CreateSessionRequest;
import dev.paygate.client.model.PaySessionRequest;
import dev.paygate.client.model.Session;

/** {@code /api2/sessions}: hosted payment sessions; every write keyed and retried safely. */
public final class Sessions {

    private final Calls calls;
    private final SessionsApi api;
    private final String version;

    Sessions(Calls calls, SessionsApi api, String version) {
        this.calls = calls;
        this.api = api;
        this.version = version;
    }

    /** A session to send the payer to: {@code /pay/{id}} on the gateway. */
    public Outcome<Session> create(CreateSessionRequest request) {
        return calls.write("POST /api2/sessions", null, key -> api.sessionCreateWithHttpInfo(request, version, key));
    }

    public Session get(String id) {
        return calls.read("GET /api2/sessions/" + id, key -> api.sessionGetWithHttpInfo(id, version));
    }

    /** Pays an open session with a card (what the hosted page does for the payer). */
    public Outcome<Session> pay(String id, PaySessionRequest request) {
        return calls.write(
                "POST /api2/sessions/" + id + "/pay",
                null,
                key -> api.sessionPayPayWithHttpInfo(id, request, version, key));
    }

    /** Expires an open session: it can no longer be paid. */
    public Outcome<Session> expire(String id) {
        return calls.write(
                "POST /api2/sessions/" + id + "/expire",
                null,
                key -> api.sessionExpireWithHttpInfo(id, version, key, Calls.EMPTY_OBJECT));
    }
}
