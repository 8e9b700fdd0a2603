package dev.paygate.gateway.idempotency;

import dev.paygate.contracts.command.CommandReply;
import java.util.function.Function;
import org.springframework.http.ResponseEntity;

/**
 * One request sent with an idempotency key: whose key it is, what request it is bound to, and how a late reply
 * to its command becomes the final answer. Never logged whole: the key is the merchant's.
 *
 * @param path        the request path, the problem's {@code instance}
 * @param finalAnswer turns a command's reply into the answer the endpoint gives for it
 */
record Claim(
        String merchantId,
        String key,
        String requestHash,
        String path,
        Function<CommandReply, ResponseEntity<String>> finalAnswer) {}
