package dev.paygate.gateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.devinfra.Infrastructure;
import dev.paygate.gateway.GatewayApplication;
import dev.paygate.gateway.command.CommandBus;
import java.time.Duration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A gateway instance of its own (not a Spring test context), for tests that run several or stop one: on the shared
 * broker and the database {@code db}, on a free port, ready once its reply consumer has its partitions.
 */
final class GatewayInstance {

    private GatewayInstance() {}

    /** @param more further {@code --name=value} arguments */
    static ConfigurableApplicationContext start(
            Infrastructure infra, String db, String apiKey, Duration replyTimeout, String... more)
            throws InterruptedException {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + infra.kafkaBootstrap(),
                "--paygate.db.url=" + db,
                "--paygate.db.user=" + infra.dbUser(),
                "--paygate.db.password=" + infra.dbPassword(),
                "--paygate.gateway.demo-api-key=" + apiKey,
                "--paygate.gateway.reply-timeout=" + replyTimeout.toSeconds() + "s",
                "--paygate.gateway.payment-url=http://127.0.0.1:9"));
        args.addAll(java.util.List.of(more));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(GatewayApplication.class)
                .properties("spring.config.name=gateway-api")
                .run(args.toArray(String[]::new));
        assertThat(context.getBean(CommandBus.class).awaitReplyAssignment(Duration.ofSeconds(30)))
                .isTrue();
        return context;
    }

    static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }
}
