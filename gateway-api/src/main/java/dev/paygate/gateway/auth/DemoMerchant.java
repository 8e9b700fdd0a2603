package dev.paygate.gateway.auth;

import dev.paygate.gateway.GatewayProperties;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/** When {@code PAYGATE_DEMO_API_KEY} is set, a demo merchant answers to it (the launcher and docker-compose). */
@Component
class DemoMerchant implements ApplicationRunner {

    public static final String ID = "mer_demo";
    private static final Logger log = LoggerFactory.getLogger(DemoMerchant.class);

    private final MerchantStore merchants;
    private final GatewayProperties properties;

    public DemoMerchant(MerchantStore merchants, GatewayProperties properties) {
        this.merchants = merchants;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) {
        String key = properties.getDemoApiKey();
        if (key == null || key.isBlank()) {
            return;
        }
        // startup, before the gateway reports ready: waiting here is intended
        merchants
                .createMerchant(ID, "Demo merchant")
                .then(merchants.addKey(ID, key))
                .block(Duration.ofSeconds(30));
        log.info("demo merchant {} answers to the configured demo API key ({})", ID, ApiKeyHasher.hint(key));
    }
}
