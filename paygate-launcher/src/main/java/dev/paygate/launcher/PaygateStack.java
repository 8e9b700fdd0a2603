package dev.paygate.launcher;

import dev.paygate.devinfra.Infrastructure;
import dev.paygate.gateway.GatewayApplication;
import dev.paygate.gateway.command.CommandBus;
import dev.paygate.payment.PaymentServiceApplication;
import dev.paygate.refund.RefundServiceApplication;
import dev.paygate.webhook.WebhookDispatcherApplication;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * The four services, each in an application context of its own (own config file, own port, own schema),
 * in one JVM. Used by the standalone launcher and by the end-to-end tests.
 */
public final class PaygateStack implements AutoCloseable {

    /**
     * @param gatewayPort    0 for any free port
     * @param servicePorts   ports of payment-, refund-service and webhook-dispatcher; 0 for any free port
     * @param jdbcUrl        the database all four use, each in its own schema
     * @param extraArguments further {@code --name=value} settings for every service
     */
    public record Options(
            int gatewayPort,
            int[] servicePorts,
            String jdbcUrl,
            String demoApiKey,
            String adminToken,
            boolean allowLocalWebhooks,
            List<String> extraArguments) {}

    private final ConfigurableApplicationContext payment;
    private final ConfigurableApplicationContext refund;
    private final ConfigurableApplicationContext webhook;
    private final ConfigurableApplicationContext gateway;

    private PaygateStack(
            ConfigurableApplicationContext payment,
            ConfigurableApplicationContext refund,
            ConfigurableApplicationContext webhook,
            ConfigurableApplicationContext gateway) {
        this.payment = payment;
        this.refund = refund;
        this.webhook = webhook;
        this.gateway = gateway;
    }

    public static PaygateStack start(Infrastructure infra, Options options) {
        List<String> common = new ArrayList<>(List.of(
                "--spring.kafka.bootstrap-servers=" + infra.kafkaBootstrap(),
                "--paygate.db.url=" + options.jdbcUrl(),
                "--paygate.db.user=" + infra.dbUser(),
                "--paygate.db.password=" + infra.dbPassword(),
                "--spring.main.banner-mode=off",
                // whoever starts the stack closes it, before the infrastructure it runs on (see close())
                "--spring.main.register-shutdown-hook=false"));
        common.addAll(options.extraArguments());
        if (jsonLogs(options.extraArguments())) {
            // this module's logback.xml writes text; the JSON one is Boot's structured console appender
            common.add("--logging.config=classpath:logback-json.xml");
        }

        ConfigurableApplicationContext payment =
                run(PaymentServiceApplication.builder(), common, "--server.port=" + options.servicePorts()[0]);
        ConfigurableApplicationContext refund = run(
                RefundServiceApplication.builder(),
                common,
                "--server.port=" + options.servicePorts()[1],
                "--paygate.refunds.payment-url=http://localhost:" + port(payment));
        ConfigurableApplicationContext webhook = run(
                WebhookDispatcherApplication.builder(),
                common,
                "--server.port=" + options.servicePorts()[2],
                "--paygate.webhooks.allow-http=" + options.allowLocalWebhooks(),
                "--paygate.webhooks.allow-private-addresses=" + options.allowLocalWebhooks());
        ConfigurableApplicationContext gateway = run(
                GatewayApplication.builder(),
                common,
                "--server.port=" + options.gatewayPort(),
                "--paygate.gateway.payment-url=http://localhost:" + port(payment),
                "--paygate.gateway.refund-url=http://localhost:" + port(refund),
                "--paygate.gateway.webhook-url=http://localhost:" + port(webhook),
                "--paygate.gateway.demo-api-key=" + options.demoApiKey(),
                "--paygate.gateway.admin-token=" + options.adminToken());
        return new PaygateStack(payment, refund, webhook, gateway);
    }

    /** Whether PAYGATE_LOG_FORMAT (an argument, else the environment variable) asks for JSON logs. */
    static boolean jsonLogs(List<String> arguments) {
        String format = arguments.stream()
                .filter(a -> a.startsWith("--PAYGATE_LOG_FORMAT="))
                .map(a -> a.substring("--PAYGATE_LOG_FORMAT=".length()))
                .reduce((first, last) -> last)
                .orElse(System.getenv("PAYGATE_LOG_FORMAT"));
        return "json".equalsIgnoreCase(format);
    }

    private static ConfigurableApplicationContext run(
            SpringApplicationBuilder builder, List<String> common, String... own) {
        List<String> args = new ArrayList<>(common);
        args.addAll(List.of(own));
        return withOwnNettyResources(builder).run(args.toArray(String[]::new));
    }

    /**
     * Several services in one JVM must not share reactor-netty's global resources: closing one context would
     * dispose them under the others' servers and clients. Each context gets event loops of its own.
     */
    private static SpringApplicationBuilder withOwnNettyResources(SpringApplicationBuilder builder) {
        return builder.initializers(context -> ((org.springframework.context.support.GenericApplicationContext) context)
                .registerBean(org.springframework.http.client.ReactorResourceFactory.class, () -> {
                    var factory = new org.springframework.http.client.ReactorResourceFactory();
                    factory.setUseGlobalResources(false);
                    return factory;
                }));
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /**
     * Waits until every Kafka consumer of the chain has its partitions: commands reach payment-service,
     * events reach the dispatcher, and replies reach the gateway. Before that a request could time out.
     */
    public void awaitChainReady(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        if (!gateway.getBean(CommandBus.class).awaitReplyAssignment(timeout)) {
            throw new IllegalStateException("the gateway's reply consumer got no partitions within " + timeout);
        }
        for (ConfigurableApplicationContext service : List.of(payment, refund, webhook)) {
            for (MessageListenerContainer container :
                    service.getBean(KafkaListenerEndpointRegistry.class).getListenerContainers()) {
                while (container.getAssignedPartitions() == null
                        || container.getAssignedPartitions().isEmpty()) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("listener " + container.getListenerId() + " got no partitions");
                    }
                    Thread.sleep(50); // polling a readiness condition at startup, not waiting for a test outcome
                }
            }
        }
    }

    public int gatewayPort() {
        return port(gateway);
    }

    public Map<String, Integer> ports() {
        return Map.of(
                "gateway-api",
                port(gateway),
                "payment-service",
                port(payment),
                "refund-service",
                port(refund),
                "webhook-dispatcher",
                port(webhook));
    }

    public ConfigurableApplicationContext gateway() {
        return gateway;
    }

    public ConfigurableApplicationContext payment() {
        return payment;
    }

    /**
     * Starts one more refund-service instance in the same consumer group, on the same database and broker (the
     * tests show that two instances never refund more than was received).
     */
    public ConfigurableApplicationContext startAnotherRefundService(
            Infrastructure infra, String jdbcUrl, List<String> extraArguments) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.kafka.bootstrap-servers=" + infra.kafkaBootstrap(),
                "--paygate.db.url=" + jdbcUrl,
                "--paygate.db.user=" + infra.dbUser(),
                "--paygate.db.password=" + infra.dbPassword(),
                "--spring.main.banner-mode=off",
                "--spring.main.register-shutdown-hook=false",
                "--server.port=0",
                "--paygate.refunds.payment-url=http://localhost:" + port(payment)));
        args.addAll(extraArguments);
        if (jsonLogs(extraArguments)) {
            args.add("--logging.config=classpath:logback-json.xml");
        }
        return withOwnNettyResources(RefundServiceApplication.builder()).run(args.toArray(String[]::new));
    }

    public ConfigurableApplicationContext webhook() {
        return webhook;
    }

    @Override
    public void close() {
        for (ConfigurableApplicationContext context : List.of(gateway, webhook, refund, payment)) {
            context.close();
        }
    }
}
