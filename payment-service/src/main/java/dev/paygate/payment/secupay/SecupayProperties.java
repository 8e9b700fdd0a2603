package dev.paygate.payment.secupay;

import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code paygate.secupay.*} */
@ConfigurationProperties("paygate.secupay")
class SecupayProperties {

    /**
     * The zone of times and dates in {@code /api/v2} (the secupay API shows {@code +02:00}, German summer time;
     * docs/secupay.md).
     */
    private ZoneId zone = ZoneId.of("Europe/Berlin");

    public ZoneId getZone() {
        return zone;
    }

    public void setZone(ZoneId zone) {
        this.zone = zone;
    }
}
