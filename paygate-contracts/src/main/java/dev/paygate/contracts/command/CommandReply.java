package dev.paygate.contracts.command;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;

/**
 * The outcome of a command, on {@link Topics#COMMAND_REPLIES}, correlated by {@link #commandId()}.
 * Either {@code resource} is set (the resource after the change, as the API returns it) or the
 * problem fields are.
 *
 * @param status the HTTP status the gateway answers with
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CommandReply(String commandId, int status, JsonNode resource, String code, String detail, String param) {

    public static CommandReply ok(String commandId, JsonNode resource) {
        return new CommandReply(commandId, 200, resource, null, null, null);
    }

    public static CommandReply problem(String commandId, int status, String code, String detail, String param) {
        return new CommandReply(commandId, status, null, code, detail, param);
    }

    /** Not on the wire: a reader derives it from {@code status}. */
    @JsonIgnore
    public boolean isOk() {
        return resource != null && status >= 200 && status < 300;
    }
}
