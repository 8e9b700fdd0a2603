package dev.paygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.client.webhooks.JdbcProcessedWebhooks;
import dev.paygate.client.webhooks.JdbcResourceVersions;
import dev.paygate.client.webhooks.ProcessedWebhooks.Claim;
import dev.paygate.client.webhooks.ProcessedWebhooks.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The webhook kit's JDBC stores on a real PostgreSQL, as several receiver instances share them: at once. */
class JdbcWebhookStoresIT {

    // tables of this test's own (the default ones are WebhookKitIT's): forgetting here forgets nothing of another test
    private static final String PROCESSED = "stores_it_processed";
    private static final String VERSIONS = "stores_it_versions";

    private final PGSimpleDataSource dataSource = WebhookKitIT.dataSource();
    private final JdbcProcessedWebhooks processed =
            processed(Clock.systemUTC()).createTableIfMissing().createTableIfMissing();
    private final JdbcResourceVersions versions = new JdbcResourceVersions(dataSource, VERSIONS)
            .createTableIfMissing()
            .createTableIfMissing();

    private JdbcProcessedWebhooks processed(Clock clock) {
        return new JdbcProcessedWebhooks(dataSource, PROCESSED, Duration.ofMinutes(5), clock);
    }

    private static <T> List<T> atOnce(int threads, List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<T> results = new ArrayList<>();
            for (Future<T> f : pool.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void ofManyInstancesGivenTheSameWebhookAtOnceExactlyOneProcessesIt() throws Exception {
        String id = "evt_jdbc_" + System.nanoTime();

        List<Claim> claims = atOnce(16, Collections.nCopies(16, () -> processed.claim(id)));

        assertThat(claims).filteredOn(c -> c.status() == Status.FIRST).hasSize(1);
        assertThat(claims).filteredOn(c -> c.status() == Status.IN_PROGRESS).hasSize(15);
        String token = claims.stream()
                .filter(c -> c.status() == Status.FIRST)
                .findFirst()
                .orElseThrow()
                .token();
        processed.done(id);
        processed.release(id, token); // done stays done
        assertThat(processed.claim(id).status()).isEqualTo(Status.DONE);
    }

    @Test
    void aReleasedWebhookIsProcessedByTheNextDeliveryAndAnAbandonedClaimIsTakenOver() {
        String released = "evt_released_" + System.nanoTime();
        Claim first = processed.claim(released);
        assertThat(first.status()).isEqualTo(Status.FIRST);
        processed.release(released, first.token());
        assertThat(processed.claim(released).status()).isEqualTo(Status.FIRST);

        String abandoned = "evt_abandoned_" + System.nanoTime();
        Instant now = Instant.now();
        JdbcProcessedWebhooks died = processed(Clock.fixed(now.minus(Duration.ofMinutes(6)), ZoneOffset.UTC));
        JdbcProcessedWebhooks alive = processed(Clock.fixed(now, ZoneOffset.UTC));
        Claim hung = died.claim(abandoned);
        assertThat(hung.status()).isEqualTo(Status.FIRST);
        Claim takeover = alive.claim(abandoned);
        assertThat(takeover.status()).isEqualTo(Status.FIRST);
        died.release(abandoned, hung.token()); // the hung instance fails at last: the takeover's claim stands
        assertThat(alive.claim(abandoned).status()).isEqualTo(Status.IN_PROGRESS);

        long rows = TestStack.count("SELECT count(*) FROM " + PROCESSED);
        assertThat(processed.forgetBefore(now.minus(Duration.ofMinutes(1))))
                .as("the taken-over claim is newer: kept")
                .isEqualTo(0);
        assertThat((long) processed.forgetBefore(now.plusSeconds(1))).isEqualTo(rows);
        assertThat(processed.claim(abandoned).status()).isEqualTo(Status.FIRST);
    }

    @Test
    void versionsAdvancedFromManyInstancesInAnyOrderEndAtTheLatestAndNeverGoBack() throws Exception {
        String object = "re_jdbc_" + System.nanoTime();
        List<Long> order = new ArrayList<>();
        for (long v = 1; v <= 60; v++) {
            order.add(v);
        }
        Collections.shuffle(order);
        List<Callable<OptionalLong>> advances = new ArrayList<>();
        for (long v : order) {
            advances.add(() -> versions.advance(object, v));
        }

        List<OptionalLong> results = atOnce(8, advances);

        assertThat(TestStack.count("SELECT version FROM " + VERSIONS + " WHERE object_id = '" + object + "'"))
                .isEqualTo(60);
        // each version that won replaced a lower one, and no two won over the same one
        List<Long> replaced = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            if (results.get(i).isPresent()) {
                assertThat(results.get(i).getAsLong()).isLessThan(order.get(i));
                replaced.add(results.get(i).getAsLong());
            }
        }
        assertThat(replaced).doesNotHaveDuplicates().contains(0L).doesNotContain(60L);
        assertThat(versions.advance(object, 59)).isEmpty();
        assertThat(versions.advance(object, 60)).as("the same version again").hasValue(60);
    }

    @Test
    void aRetractedVersionIsPutBackUnlessANewerOneCameMeanwhile() {
        String object = "p_jdbc_" + System.nanoTime();
        assertThat(versions.advance(object, 3)).hasValue(0);
        assertThat(versions.advance(object, 5)).hasValue(3);
        versions.retract(object, 5, 3);
        assertThat(versions.advance(object, 4)).hasValue(3);

        assertThat(versions.advance(object, 6)).hasValue(4);
        assertThat(versions.advance(object, 7)).hasValue(6);
        versions.retract(object, 6, 4); // 7 came meanwhile: stays
        assertThat(versions.advance(object, 6)).isEmpty();

        String fresh = "p_jdbc_fresh_" + System.nanoTime();
        assertThat(versions.advance(fresh, 1)).hasValue(0);
        versions.retract(fresh, 1, 0);
        assertThat(TestStack.count("SELECT count(*) FROM " + VERSIONS + " WHERE object_id = '" + fresh + "'"))
                .isZero();
    }
}
