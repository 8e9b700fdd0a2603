package dev.paygate.payment.session.domain;

/** A transition the session's current status does not allow; answered with 409 {@code session_invalid_status}. */
public class SessionTransitionRejected extends RuntimeException {

    private final String status;

    public SessionTransitionRejected(String sessionId, String status, String action) {
        super("Session " + sessionId + " is " + status + "; only an open session can be "
                + (action.endsWith("e") ? action + "d" : action + "ed") + ".");
        this.status = status;
    }

    public String status() {
        return status;
    }
}
