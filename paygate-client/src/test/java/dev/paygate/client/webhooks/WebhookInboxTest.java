package dev.paygate.client.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import dev.paygate.client.webhooks.PaygateEvent.PaymentEvent;
import dev.paygate.client.webhooks.PaygateEvent.RefundEvent;
import dev.paygate.client.webhooks.PaygateEvent.SessionEvent;
import dev.paygate.client.webhooks.ProcessedWebhooks.Status;
import dev.paygate.client.webhooks.WebhookInbox.Receipt;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WebhookInboxTest {

    private static final String OLD_SECRET = secret();
    private static final String NEW_SECRET = secret();

    private final List<PaygateEvent> handled = new ArrayList<>();

    static String secret() {
        byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    /** A webhook as Paygate sends it: the body, signed now with each of {@code secrets}. */
    static Map<String, List<String>> signed(String webhookId, String body, long timestamp, String... secrets) {
        List<String> signatures = new ArrayList<>();
        for (String secret : secrets) {
            try {
                signatures.add(new Webhook(secret).sign(webhookId, timestamp, body));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return Map.of(
                "Webhook-Id", List.of(webhookId),
                "Webhook-Timestamp", List.of(Long.toString(timestamp)),
                "Webhook-Signature", List.of(String.join(" ", signatures)));
    }

    static Map<String, List<String>> signed(String webhookId, String body, String... secrets) {
        return signed(webhookId, body, Instant.now().getEpochSecond(), secrets);
    }

    static String event(String id, String type, String object) {
        return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"created\":\"2026-12-06T10:00:00Z\","
                + "\"apiVersion\":\"2023-10-31\",\"data\":{\"object\":" + object + "}}";
    }

    static String refund(String id, String status, long version) {
        return "{\"amount\":500,\"created\":\"2026-12-06T10:00:00Z\",\"currency\":\"EUR\",\"id\":\"" + id
                + "\",\"paymentId\":\"p_1\",\"status\":\"" + status + "\",\"version\":" + version
                + ",\"aFieldAddedLater\":1}";
    }

    private Receipt receive(WebhookInbox inbox, Map<String, List<String>> headers, String body) {
        return inbox.receive(headers, body, handled::add);
    }

    @Test
    void aSignedEventIsHandedOverTypedByItsKind() {
        WebhookInbox inbox = WebhookInbox.inMemory(NEW_SECRET);
        String payment = event(
                "evt_1",
                "payment.succeeded",
                "{\"id\":\"p_1\",\"amount\":1500,\"currency\":\"EUR\",\"status\":\"succeeded\",\"version\":2}");
        String refund = event("evt_2", "refund.updated", refund("re_1", "succeeded", 2));
        String session = event("evt_3", "session.expired", "{\"id\":\"ps_1\",\"status\":\"expired\",\"version\":3}");
        String later = event("evt_4", "payout.paid", "{\"id\":\"po_1\",\"version\":1}");

        assertThat(receive(inbox, signed("evt_1", payment, NEW_SECRET), payment))
                .isEqualTo(Receipt.PROCESSED);
        assertThat(receive(inbox, signed("evt_2", refund, NEW_SECRET), refund)).isEqualTo(Receipt.PROCESSED);
        assertThat(receive(inbox, signed("evt_3", session, NEW_SECRET), session))
                .isEqualTo(Receipt.PROCESSED);
        assertThat(receive(inbox, signed("evt_4", later, NEW_SECRET), later)).isEqualTo(Receipt.PROCESSED);

        assertThat(handled.get(0)).isInstanceOfSatisfying(PaymentEvent.class, e -> {
            assertThat(e.payment().getAmount()).isEqualTo(1500L);
            assertThat(e.type()).isEqualTo("payment.succeeded");
            assertThat(e.created()).isEqualTo("2026-12-06T10:00:00Z");
        });
        assertThat(handled.get(1)).isInstanceOfSatisfying(RefundEvent.class, e -> {
            assertThat(e.refund().getStatus()).isEqualTo("succeeded");
            assertThat(e.objectId()).isEqualTo("re_1");
            assertThat(e.version()).isEqualTo(2);
        });
        assertThat(handled.get(2))
                .isInstanceOfSatisfying(
                        SessionEvent.class,
                        e -> assertThat(e.session().getStatus()).isEqualTo("expired"));
        assertThat(handled.get(3)).isInstanceOfSatisfying(PaygateEvent.Other.class, e -> {
            assertThat(e.objectId()).isEqualTo("po_1");
            assertThat(e.object().path("version").asLong()).isEqualTo(1);
        });
    }

    @Test
    void duringARotationEitherSecretIsAcceptedAndNothingElse() {
        WebhookInbox inbox = WebhookInbox.inMemory(NEW_SECRET, OLD_SECRET);
        String a = event("evt_a", "refund.updated", refund("re_a", "pending", 1));
        String b = event("evt_b", "refund.updated", refund("re_b", "pending", 1));
        String c = event("evt_c", "refund.updated", refund("re_c", "pending", 1));

        assertThat(receive(inbox, signed("evt_a", a, OLD_SECRET), a)).isEqualTo(Receipt.PROCESSED);
        assertThat(receive(inbox, signed("evt_b", b, NEW_SECRET), b)).isEqualTo(Receipt.PROCESSED);
        assertThat(receive(inbox, signed("evt_c", c, OLD_SECRET, NEW_SECRET), c))
                .isEqualTo(Receipt.PROCESSED);
        assertThat(receive(inbox, signed("evt_d", c, secret()), c)).isEqualTo(Receipt.REJECTED);
        assertThat(handled).hasSize(3);
    }

    @Test
    void aForgedTamperedReplayedOrMalformedRequestIsRejectedAndChangesNothing() {
        InMemoryProcessedWebhooks processed = new InMemoryProcessedWebhooks();
        WebhookInbox inbox =
                new WebhookInbox(new WebhookVerifier(NEW_SECRET), processed, new InMemoryResourceVersions());
        String body = event("evt_1", "refund.updated", refund("re_1", "succeeded", 2));
        long sixMinutesAgo = Instant.now().minusSeconds(360).getEpochSecond();

        assertThat(receive(inbox, signed("evt_1", body.replace("500", "50000"), NEW_SECRET), body.replace("500", "5")))
                .isEqualTo(Receipt.REJECTED);
        assertThat(receive(inbox, signed("evt_1", body, NEW_SECRET), body.replace("500", "50000")))
                .isEqualTo(Receipt.REJECTED);
        assertThat(receive(inbox, signed("evt_1", body, sixMinutesAgo, NEW_SECRET), body))
                .isEqualTo(Receipt.REJECTED);
        assertThat(receive(inbox, signed("evt_2", body, NEW_SECRET), body))
                .as("signed for another webhook-id")
                .isEqualTo(Receipt.PROCESSED);
        handled.clear();
        assertThat(receive(inbox, Map.of("webhook-id", List.of("evt_9")), body)).isEqualTo(Receipt.REJECTED);
        assertThat(receive(inbox, signed("evt_9", "{\"id\":1}", NEW_SECRET), "{\"id\":1}"))
                .isEqualTo(Receipt.REJECTED);
        assertThat(receive(inbox, signed("evt_8", "not json", NEW_SECRET), "not json"))
                .isEqualTo(Receipt.REJECTED);
        assertThat(handled).isEmpty();
        assertThat(processed.size()).isEqualTo(1);
    }

    @Test
    void aDuplicateIsAcknowledgedAndHandledOnce() {
        WebhookInbox inbox = WebhookInbox.inMemory(NEW_SECRET);
        String body = event("evt_1", "refund.updated", refund("re_1", "succeeded", 2));

        assertThat(receive(inbox, signed("evt_1", body, NEW_SECRET), body)).isEqualTo(Receipt.PROCESSED);
        assertThat(receive(inbox, signed("evt_1", body, NEW_SECRET), body)).isEqualTo(Receipt.DUPLICATE);
        assertThat(handled).hasSize(1);
    }

    @Test
    void theLatestVersionWinsOverAnOlderEventArrivingLate() {
        WebhookInbox inbox = WebhookInbox.inMemory(NEW_SECRET);
        String pending = event("evt_1", "refund.updated", refund("re_1", "pending", 1));
        String succeeded = event("evt_2", "refund.updated", refund("re_1", "succeeded", 2));
        String otherRefund = event("evt_3", "refund.updated", refund("re_2", "pending", 1));

        assertThat(receive(inbox, signed("evt_2", succeeded, NEW_SECRET), succeeded))
                .isEqualTo(Receipt.PROCESSED);
        assertThat(receive(inbox, signed("evt_1", pending, NEW_SECRET), pending))
                .isEqualTo(Receipt.STALE);
        assertThat(receive(inbox, signed("evt_3", otherRefund, NEW_SECRET), otherRefund))
                .isEqualTo(Receipt.PROCESSED);
        assertThat(receive(inbox, signed("evt_1", pending, NEW_SECRET), pending))
                .as("a stale event is done with")
                .isEqualTo(Receipt.DUPLICATE);

        assertThat(handled)
                .extracting(e -> ((RefundEvent) e).refund().getStatus())
                .containsExactly("succeeded", "pending");
    }

    @Test
    void withoutVersionsEveryNewEventIsHandedOverInArrivalOrder() {
        WebhookInbox inbox = new WebhookInbox(new WebhookVerifier(NEW_SECRET), new InMemoryProcessedWebhooks(), null);
        String pending = event("evt_1", "refund.updated", refund("re_1", "pending", 1));
        String succeeded = event("evt_2", "refund.updated", refund("re_1", "succeeded", 2));

        receive(inbox, signed("evt_2", succeeded, NEW_SECRET), succeeded);
        assertThat(receive(inbox, signed("evt_1", pending, NEW_SECRET), pending))
                .isEqualTo(Receipt.PROCESSED);
        assertThat(handled).hasSize(2);
    }

    @Test
    void aHandlerThatFailsLeavesTheEventToTheNextDelivery() {
        InMemoryResourceVersions versions = new InMemoryResourceVersions();
        WebhookInbox inbox =
                new WebhookInbox(new WebhookVerifier(NEW_SECRET), new InMemoryProcessedWebhooks(), versions);
        String body = event("evt_1", "refund.updated", refund("re_1", "succeeded", 2));

        assertThatThrownBy(() -> inbox.receive(signed("evt_1", body, NEW_SECRET), body, e -> {
                    throw new IllegalStateException("database down");
                }))
                .hasMessage("database down");
        assertThat(versions.latest("re_1")).isZero();

        assertThat(receive(inbox, signed("evt_1", body, NEW_SECRET), body)).isEqualTo(Receipt.PROCESSED);
        assertThat(handled).hasSize(1);
        assertThat(versions.latest("re_1")).isEqualTo(2);
    }

    @Test
    void aDeliveryArrivingWhileAnotherOfTheSameEventIsHandledIsToldToComeBack() {
        WebhookInbox inbox = WebhookInbox.inMemory(NEW_SECRET);
        String body = event("evt_1", "refund.updated", refund("re_1", "succeeded", 2));
        AtomicReference<Receipt> meanwhile = new AtomicReference<>();

        Receipt first = inbox.receive(
                signed("evt_1", body, NEW_SECRET),
                body,
                e -> meanwhile.set(receive(inbox, signed("evt_1", body, NEW_SECRET), body)));

        assertThat(first).isEqualTo(Receipt.PROCESSED);
        assertThat(meanwhile).hasValue(Receipt.IN_PROGRESS);
        assertThat(Receipt.IN_PROGRESS.httpStatus()).isEqualTo(409);
    }

    @Test
    void theInMemoryStoreForgetsAfterItsRetentionAndTakesOverAnAbandonedClaim() {
        MutableClock clock = new MutableClock();
        InMemoryProcessedWebhooks processed =
                new InMemoryProcessedWebhooks(Duration.ofDays(3), Duration.ofMinutes(5), clock);

        ProcessedWebhooks.Claim hung = processed.claim("evt_1");
        assertThat(hung.status()).isEqualTo(Status.FIRST);
        assertThat(processed.claim("evt_1").status()).isEqualTo(Status.IN_PROGRESS);
        clock.advance(Duration.ofMinutes(6));
        ProcessedWebhooks.Claim takeover = processed.claim("evt_1");
        assertThat(takeover.status()).as("abandoned").isEqualTo(Status.FIRST);
        processed.release("evt_1", hung.token()); // the hung one fails at last: the takeover's claim stands
        assertThat(processed.claim("evt_1").status()).isEqualTo(Status.IN_PROGRESS);
        processed.done("evt_1");
        processed.release("evt_1", takeover.token()); // a done webhook stays done
        assertThat(processed.claim("evt_1").status()).isEqualTo(Status.DONE);
        assertThat(processed.claim("evt_2").status()).isEqualTo(Status.FIRST);
        processed.done("evt_2");

        clock.advance(Duration.ofDays(3).plusMinutes(1));
        assertThat(processed.size()).isZero();
        assertThat(processed.claim("evt_1").status()).isEqualTo(Status.FIRST);
    }

    @Test
    void anEventTakenOverFromAnInstanceThatDiedHandlingItIsHandledNotStale() {
        MutableClock clock = new MutableClock();
        InMemoryProcessedWebhooks processed =
                new InMemoryProcessedWebhooks(Duration.ofDays(3), Duration.ofMinutes(5), clock);
        InMemoryResourceVersions versions = new InMemoryResourceVersions();
        WebhookInbox inbox = new WebhookInbox(new WebhookVerifier(NEW_SECRET), processed, versions);
        String body = event("evt_1", "refund.updated", refund("re_1", "succeeded", 2));
        // the first instance claimed it and recorded its version, then died before it was done
        processed.claim("evt_1");
        versions.advance("re_1", 2);

        clock.advance(Duration.ofMinutes(6));
        assertThat(receive(inbox, signed("evt_1", body, NEW_SECRET), body)).isEqualTo(Receipt.PROCESSED);
        assertThat(handled).hasSize(1);
    }

    @Test
    void anEventWhoseObjectHasNoVersionIsNeverStale() {
        WebhookInbox inbox = WebhookInbox.inMemory(NEW_SECRET);
        String first = event("evt_1", "payout.paid", "{\"id\":\"po_1\"}");
        String second = event("evt_2", "payout.paid", "{\"id\":\"po_1\"}");

        assertThat(receive(inbox, signed("evt_1", first, NEW_SECRET), first)).isEqualTo(Receipt.PROCESSED);
        assertThat(receive(inbox, signed("evt_2", second, NEW_SECRET), second)).isEqualTo(Receipt.PROCESSED);
        assertThat(handled).hasSize(2);
    }

    @Test
    void theInMemoryVersionsKeepTheObjectsMostRecentlySeen() {
        InMemoryResourceVersions versions = new InMemoryResourceVersions(2);
        versions.advance("a", 5);
        versions.advance("b", 5);
        versions.advance("a", 6); // a is the most recent now
        versions.advance("c", 1); // b goes

        assertThat(versions.latest("a")).isEqualTo(6);
        assertThat(versions.latest("b")).isZero();
        assertThat(versions.latest("c")).isEqualTo(1);
        assertThat(versions.advance("a", 5)).isEmpty();
        assertThat(versions.advance("a", 6)).as("the same version again").hasValue(6);
    }

    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-12-06T10:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
