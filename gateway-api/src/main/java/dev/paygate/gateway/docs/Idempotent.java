package dev.paygate.gateway.docs;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an operation that honours {@code Idempotency-Key} (it runs through {@code IdempotentRequests}): the
 * document then lists the header and its answers, 409 {@code idempotency_key_in_use} and 422
 * {@code idempotency_key_reused}. {@code command}: the operation publishes a command and awaits its reply, so a late
 * reply answers 202 with the resource as last known (docs/api.md, "Conventions").
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface Idempotent {

    boolean command() default false;
}
