package dev.paygate.gateway.idempotency;

import dev.paygate.gateway.GatewayProperties;
import dev.paygate.support.retention.RetentionRule;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Idempotency keys go {@code paygate.gateway.idempotency-retention} after they were first used, purged with the
 * other tables (see {@code dev.paygate.support.retention.Retention}). A key whose request is still running, or whose
 * 202 still waits for its late reply (its lease runs), is kept until that is over.
 */
@Configuration(proxyBeanMethods = false)
class IdempotencyRetention {

    @Bean
    RetentionRule idempotencyKeysRetention(GatewayProperties properties) {
        return RetentionRule.of(
                        "idempotency_keys",
                        "created_at",
                        "merchant_id, idempotency_key",
                        properties.getIdempotencyRetention())
                .where("status = 'done' OR locked_until < now()");
    }
}
