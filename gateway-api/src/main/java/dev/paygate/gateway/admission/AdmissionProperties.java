package dev.paygate.gateway.admission;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code paygate.gateway.admission.*}: how many API writes one gateway instance lets be in progress at once. The
 * limit adapts between {@code minLimit} and {@code maxLimit}, starting at {@code initialLimit}; equal values fix it.
 *
 * <p>The floor is high on purpose. A latency-based limit cannot tell a queue inside Paygate from a slow bank: with
 * the bank at seconds per call, every write is slower though nothing waits in Kafka, and the limit would sink until
 * a handful of writes crawl through. At 64 in progress an instance still admits about 13 writes/s when each waits
 * out the 5 s reply timeout, and the bank's calls keep going in parallel (up to {@code PAYGATE_ACQUIRER_MAX_IN_FLIGHT},
 * 256, which is also the default ceiling).
 */
@ConfigurationProperties("paygate.gateway.admission")
record AdmissionProperties(Boolean enabled, Integer initialLimit, Integer minLimit, Integer maxLimit) {

    public AdmissionProperties {
        enabled = enabled == null || enabled;
        initialLimit = initialLimit == null ? 100 : initialLimit;
        minLimit = minLimit == null ? 64 : minLimit;
        maxLimit = maxLimit == null ? 256 : maxLimit;
        if (minLimit < 1 || minLimit > maxLimit || initialLimit < minLimit || initialLimit > maxLimit) {
            throw new IllegalArgumentException("paygate.gateway.admission: need 1 <= min-limit <= initial-limit <= "
                    + "max-limit, got " + minLimit + ", " + initialLimit + ", " + maxLimit);
        }
    }
}
