package dev.paygate.gateway.command;

import dev.paygate.contracts.command.CommandReply;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.gateway.error.ApiException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Turns a command's reply into the HTTP answer. */
public final class Replies {

    private Replies() {
    }

    /** 200 with the resource, or the service's refusal as problem+json. */
    public static ResponseEntity<String> toResponse(CommandReply reply) {
        if (reply.isOk()) {
            return ResponseEntity.status(reply.status()).contentType(MediaType.APPLICATION_JSON)
                    .body(PaygateJson.wire().writeValueAsString(reply.resource()));
        }
        throw new ApiException(HttpStatus.valueOf(reply.status()), reply.code(), reply.detail(), reply.param());
    }

    /** 202: the change was accepted, its outcome not yet known; the body is the resource as last known. */
    public static ResponseEntity<String> accepted(String lastKnownJson) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(MediaType.APPLICATION_JSON).body(lastKnownJson);
    }
}
