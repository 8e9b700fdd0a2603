package dev.paygate.support.config;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Derives Spring's R2DBC, Flyway and Kafka settings from the few Paygate ones, so that each service (and
 * {@code docker-compose.yml}) sets a JDBC URL, a user, a password and a schema once:
 * {@code paygate.db.url} (JDBC form), {@code paygate.db.user}, {@code paygate.db.password},
 * {@code paygate.db.schema}. Anything set explicitly under {@code spring.*} still wins.
 */
public class PaygateEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String SOURCE = "paygateDerivedDefaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("spring.kafka.bootstrap-servers", "${PAYGATE_KAFKA_BOOTSTRAP:localhost:9092}");
        defaults.put("spring.kafka.producer.key-serializer", "org.apache.kafka.common.serialization.StringSerializer");
        defaults.put(
                "spring.kafka.producer.value-serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        defaults.put("spring.kafka.producer.acks", "all");
        defaults.put("spring.kafka.producer.properties.enable.idempotence", "true");
        defaults.put("spring.kafka.producer.properties.linger.ms", "2");
        defaults.put(
                "spring.kafka.consumer.key-deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        defaults.put(
                "spring.kafka.consumer.value-deserializer",
                "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        defaults.put("spring.kafka.consumer.auto-offset-reset", "earliest");
        defaults.put("spring.kafka.consumer.enable-auto-commit", "false");
        defaults.put("spring.kafka.consumer.properties.allow.auto.create.topics", "false");
        defaults.put("spring.kafka.consumer.properties.isolation.level", "read_committed");
        // a consumer that dies (a crash, a kill) gives its partitions up after 10 s instead of Kafka's 45 s: the fault
        // suite measured a killed service's backlog waiting out the whole session timeout. Heartbeats run on their
        // own thread, so a slow record does not count against it (that is max.poll.interval.ms).
        defaults.put(
                "spring.kafka.consumer.properties.session.timeout.ms", "${PAYGATE_KAFKA_SESSION_TIMEOUT_MS:10000}");
        defaults.put("spring.kafka.consumer.properties.heartbeat.interval.ms", "3000");
        // retention (docs/operations.md#retention): how long each kind of row is kept, and the topic settings the
        // inboxes'
        // window is checked against
        // durability on a cluster (docs/scaling-out.md): replicas per topic and how many must have a record
        defaults.put("paygate.kafka.replication-factor", "${PAYGATE_KAFKA_REPLICATION_FACTOR:1}");
        defaults.put("paygate.kafka.min-insync-replicas", "${PAYGATE_KAFKA_MIN_INSYNC_REPLICAS:0}");
        defaults.put("paygate.kafka.check-durability", "${PAYGATE_KAFKA_CHECK_DURABILITY:true}");
        defaults.put("paygate.kafka.topic-retention", "${PAYGATE_KAFKA_RETENTION:7d}");
        defaults.put("paygate.kafka.topic-segment", "${PAYGATE_KAFKA_SEGMENT:1d}");
        defaults.put("paygate.retention.interval", "${PAYGATE_RETENTION_INTERVAL:1m}");
        defaults.put("paygate.retention.batch-size", "${PAYGATE_RETENTION_BATCH:1000}");
        defaults.put("paygate.retention.outbox", "${PAYGATE_RETENTION_OUTBOX:48h}");
        defaults.put("paygate.retention.inbox", "${PAYGATE_RETENTION_INBOX:15d}");
        defaults.put("paygate.retention.redelivery-margin", "${PAYGATE_RETENTION_MARGIN:1h}");
        defaults.put("paygate.retention.idempotency-window", "${PAYGATE_IDEMPOTENCY_RETENTION:24h}");
        defaults.put("management.endpoints.web.exposure.include", "health,info,metrics,prometheus");
        defaults.put("management.endpoint.health.probes.enabled", "true");
        defaults.put("management.endpoint.health.show-details", "always");
        // readiness follows the two things a service can't work without: its database and Kafka
        defaults.put("management.endpoint.health.group.readiness.include", "readinessState,r2dbc,kafka");
        defaults.put("management.endpoint.health.group.readiness.show-details", "always");
        // metrics: /actuator/prometheus is the way out (OTLP metrics push stays off); percentiles for latencies
        defaults.put("management.otlp.metrics.export.enabled", "false");
        defaults.put("management.metrics.distribution.percentiles-histogram.http.server.requests", "true");
        defaults.put("management.metrics.distribution.percentiles-histogram.paygate.commands", "true");
        defaults.put("management.metrics.tags.service", "${spring.application.name:paygate}");
        // traces: W3C traceparent, every request sampled unless PAYGATE_TRACE_SAMPLING says otherwise; the
        // trace follows a request through Kafka (listener observations read the record's traceparent header; the
        // outbox stores the context with each row, see Outbox) and on to the webhook
        defaults.put("management.tracing.sampling.probability", "${PAYGATE_TRACE_SAMPLING:1.0}");
        defaults.put("management.tracing.propagation.type", "W3C");
        defaults.put("spring.kafka.listener.observation-enabled", "true");
        defaults.put("spring.reactor.context-propagation", "auto");
        // spans go out over OTLP only when a collector is named
        String otlp = env.getProperty("PAYGATE_OTLP_ENDPOINT");
        if (otlp != null && !otlp.isBlank()) {
            defaults.put("management.opentelemetry.tracing.export.otlp.endpoint", otlp);
        }
        // logs: PAYGATE_LOG_FORMAT=json writes one JSON object per line (Elastic Common Schema, with the trace and
        // span ids of the request being served); text (the default) is Boot's usual console pattern (a service
        // jar's shows the trace id; ./paygate's logback.xml keeps its own short pattern)
        if ("json".equalsIgnoreCase(env.getProperty("PAYGATE_LOG_FORMAT", "text"))) {
            defaults.put("logging.structured.format.console", "ecs");
        }

        // Placeholders resolve when read, so values that arrive after this runs (test property sources,
        // command-line arguments) are honoured; only the R2DBC URL needs computing, see DerivedSource.
        defaults.put("spring.r2dbc.url", "derived from paygate.db.url");
        defaults.put("spring.r2dbc.username", "${paygate.db.user:paygate}");
        defaults.put("spring.r2dbc.password", "${paygate.db.password:paygate}");
        defaults.put("spring.r2dbc.pool.initial-size", "2");
        defaults.put("spring.r2dbc.pool.max-size", "${paygate.db.pool-size:20}");
        defaults.put("spring.flyway.url", "${paygate.db.url}");
        defaults.put("spring.flyway.user", "${paygate.db.user:paygate}");
        defaults.put("spring.flyway.password", "${paygate.db.password:paygate}");
        defaults.put("spring.flyway.schemas", "${paygate.db.schema}");
        defaults.put("spring.flyway.default-schema", "${paygate.db.schema}");
        defaults.put("spring.flyway.create-schemas", "true");
        defaults.put(
                "spring.flyway.locations",
                "${paygate.db.migrations:classpath:db/support,classpath:db/${paygate.db.schema}}");
        env.getPropertySources().addLast(new DerivedSource(defaults, env));
    }

    /** The defaults, with {@code spring.r2dbc.url} computed on each read from {@code paygate.db.*}. */
    private static final class DerivedSource extends MapPropertySource {

        private final ConfigurableEnvironment env;

        DerivedSource(Map<String, Object> defaults, ConfigurableEnvironment env) {
            super(SOURCE, defaults);
            this.env = env;
        }

        @Override
        public Object getProperty(String name) {
            if ("spring.r2dbc.url".equals(name)) {
                String url = env.getProperty("paygate.db.url");
                String schema = env.getProperty("paygate.db.schema");
                return url == null || schema == null ? null : r2dbcUrl(url, schema);
            }
            return super.getProperty(name);
        }
    }

    /** {@code jdbc:postgresql://h:p/db?x} → {@code r2dbc:postgresql://h:p/db?schema=s}. */
    static String r2dbcUrl(String jdbcUrl, String schema) {
        String url = jdbcUrl(jdbcUrl);
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        return "r2dbc:" + base.substring("jdbc:".length()) + "?schema=" + schema;
    }

    static String jdbcUrl(String url) {
        return url.startsWith("jdbc:") ? url : "jdbc:" + url;
    }
}
