package dev.paygate.payment.session;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code paygate.sessions.*} */
@ConfigurationProperties("paygate.sessions")
class SessionProperties {

    /**
     * Lifetime of a session created without {@code expiresAt} (the BPC API shows 20 minutes; docs/api.md, "Sessions").
     */
    private Duration defaultLifetime = Duration.ofMinutes(20);

    /** How often due sessions are looked for. */
    private Duration expiryInterval = Duration.ofSeconds(1);

    public Duration getExpiryInterval() {
        return expiryInterval;
    }

    public void setExpiryInterval(Duration expiryInterval) {
        this.expiryInterval = expiryInterval;
    }

    public Duration getDefaultLifetime() {
        return defaultLifetime;
    }

    public void setDefaultLifetime(Duration defaultLifetime) {
        this.defaultLifetime = defaultLifetime;
    }
}
