package dev.paygate.payment.session;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.resource.CustomerDetails;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import dev.paygate.payment.PaymentServiceApplication;
import dev.paygate.payment.session.domain.StoredSession;
import dev.paygate.payment.session.store.SessionStore;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * Several expiry runs at once (as several instances would run them, plus this instance's own background run)
 * expire every due session exactly once: one status change, one {@code session.expired} event each.
 */
// closed after its tests: its consumers share the group "payment-service" with the next class's, on one broker
@org.springframework.test.annotation.DirtiesContext
@SpringBootTest(
        classes = PaymentServiceApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.config.name=payment-service", "paygate.sessions.expiry-interval=50ms"})
class SessionExpiryIT {

    static final Infrastructure INFRA = DevInfrastructure.shared();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        String db = INFRA.createDatabase("expiry_it_" + Long.toHexString(System.nanoTime()));
        registry.add("spring.kafka.bootstrap-servers", INFRA::kafkaBootstrap);
        registry.add("paygate.db.url", () -> db);
        registry.add("paygate.db.user", INFRA::dbUser);
        registry.add("paygate.db.password", INFRA::dbPassword);
    }

    @Autowired
    SessionStore sessions;

    @Autowired
    SessionExpiry expiry;

    @Autowired
    DatabaseClient db;

    @Test
    void concurrentRunsExpireEachDueSessionOnce() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String merchant = Ids.MERCHANT.next();
        Flux<Boolean> inserts = Flux.range(0, 500)
                .concatMap(i -> sessions.insert(new StoredSession(
                        Ids.SESSION.next(),
                        merchant,
                        100,
                        "EUR",
                        CustomerDetails.EMPTY,
                        now.minusSeconds(1),
                        null,
                        null,
                        "EN",
                        null,
                        Map.of(),
                        "automatic",
                        "open",
                        "unpaid",
                        null,
                        1,
                        now.minusSeconds(600),
                        now.minusSeconds(600))));
        StepVerifier.create(inserts.filter(ok -> ok).count()).expectNext(500L).verifyComplete();

        Flux<Integer> sixRuns =
                Flux.range(0, 6).flatMap(i -> expiry.expireDue().repeat(5).subscribeOn(Schedulers.parallel()), 6);
        StepVerifier.create(sixRuns.then()).verifyComplete();

        // the background run may still hold a batch it locked while the six ran: wait for its commit
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> db.sql("SELECT count(*) AS n FROM sessions WHERE merchant_id = :m AND status = 'expired'")
                                .bind("m", merchant)
                                .map(r -> r.get("n", Long.class))
                                .one()
                                .block(Duration.ofSeconds(5))
                        == 500L);
        StepVerifier.create(db.sql("""
                        SELECT count(*) AS events, count(DISTINCT o.aggregate_id) AS sessions
                        FROM outbox o JOIN sessions s ON s.id = o.aggregate_id
                        WHERE s.merchant_id = :m AND o.type = 'session.expired'""")
                        .bind("m", merchant)
                        .map(r -> r.get("events", Long.class) + "/" + r.get("sessions", Long.class))
                        .one())
                .expectNext("500/500")
                .verifyComplete();
        StepVerifier.create(db.sql("SELECT max(version) AS v FROM sessions WHERE merchant_id = :m")
                        .bind("m", merchant)
                        .map(r -> r.get("v", Long.class))
                        .one())
                .expectNext(2L)
                .verifyComplete();
    }
}
