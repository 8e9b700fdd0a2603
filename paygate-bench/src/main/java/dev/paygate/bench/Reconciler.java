package dev.paygate.bench;

import dev.paygate.contracts.json.PaygateJson;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import tools.jackson.databind.JsonNode;

/**
 * After a fault scenario: everything the load did, checked through the public API, the state-change topics, the
 * webhooks received and the bank's ledger (the columns of the fault table, see {@link FaultReport}).
 */
final class Reconciler {

    static final class Reconciliation {
        long lost;
        long duplicated;
        long overRefunds;
        long eventsMissing;
        long webhooksMissing;
        /** Operations the bank's ledger and Paygate disagree on: executed twice, missing, another amount or outcome. */
        long bankMismatches;

        final List<String> examples = new ArrayList<>();
        /** The status of every refund listed on a seeded payment, by id, as the reconciliation read them. */
        final Map<String, String> refundStatuses = new ConcurrentHashMap<>();

        boolean clean() {
            return lost == 0
                    && duplicated == 0
                    && overRefunds == 0
                    && eventsMissing == 0
                    && webhooksMissing == 0
                    && bankMismatches == 0;
        }

        void example(String what) {
            if (examples.size() < 6) {
                examples.add(what);
            }
        }
    }

    /**
     * The bank's ledger against Paygate: every accepted refund executed at the bank exactly once, for its amount, and
     * succeeded at the bank if and only if it succeeded in Paygate; every accepted cancel voided its authorization
     * once; no authorization captured or voided more than once (an operation executed again under another reference).
     */
    static void reconcileBank(
            java.util.function.Function<String, String> refundStatus, JsonNode ledger, Load load, Reconciliation r) {
        Map<String, JsonNode> byReference = new HashMap<>();
        Map<String, Map<String, Integer>> perAuthorization = new HashMap<>();
        for (JsonNode entry : ledger) {
            byReference.put(entry.path("reference").asString(), entry);
            String type = entry.path("type").asString();
            if ((type.equals("capture") || type.equals("void")) && entry.hasNonNull("authorizationId")) {
                perAuthorization
                        .computeIfAbsent(entry.get("authorizationId").asString(), k -> new HashMap<>())
                        .merge(type, 1, Integer::sum);
            }
        }
        perAuthorization.forEach((authorization, counts) -> counts.forEach((type, n) -> {
            if (n > 1) {
                synchronized (r) {
                    r.bankMismatches++;
                    r.example(authorization + ": " + n + " " + type + "s at the bank");
                }
            }
        }));
        for (Load.Accepted a : load.accepted.values()) {
            if (a.kind().equals("refund")) {
                JsonNode executed = byReference.get(a.objectId());
                String status = refundStatus.apply(a.objectId());
                String problem = executed == null
                        ? "refund " + a.objectId() + " (" + status + ") not at the bank"
                        : executed.path("amount").asLong() != a.amount()
                                ? "refund " + a.objectId() + " of " + a.amount() + " executed for "
                                        + executed.path("amount").asLong()
                                : executed.path("outcome").asString().equals("succeeded") != status.equals("succeeded")
                                        ? "refund " + a.objectId() + " is " + status + ", the bank says "
                                                + executed.path("outcome").asString()
                                        : null;
                if (problem != null) {
                    synchronized (r) {
                        r.bankMismatches++;
                        r.example(problem);
                    }
                }
            } else if (a.kind().equals("cancel")) {
                JsonNode authorization = byReference.get(a.objectId());
                String authorizationId = authorization == null
                        ? null
                        : authorization.path("authorizationId").asString();
                int voids = authorizationId == null
                        ? 0
                        : perAuthorization
                                .getOrDefault(authorizationId, Map.of())
                                .getOrDefault("void", 0);
                if (voids != 1) {
                    synchronized (r) {
                        r.bankMismatches++;
                        r.example("payment " + a.objectId() + " canceled, " + voids + " voids at the bank");
                    }
                }
            }
        }
    }

    private static final Set<String> SUBSCRIBED = Set.of("refund.updated", "payment.canceled", "session.expired");

    /** Everything through the public API and the topics: see docs/reliability.md. */
    static Reconciliation reconcile(Api api, EventLog events, WebhookSink sink, List<Load.Seeded> payments, Load load) {
        Reconciliation r = new Reconciliation();
        events.catchUp();
        Map<String, Set<String>> acceptedRefunds = new HashMap<>();
        load.accepted.values().stream()
                .filter(a -> a.kind().equals("refund"))
                .forEach(a -> acceptedRefunds
                        .computeIfAbsent(a.paymentId(), k -> new HashSet<>())
                        .add(a.objectId()));
        Semaphore inFlight = new Semaphore(16);
        List<CompletableFuture<Void>> checks = new ArrayList<>();
        for (Load.Seeded p : payments) {
            checks.add(CompletableFuture.runAsync(() -> {
                inFlight.acquireUninterruptibly();
                try {
                    checkPayment(api, events, sink, p, acceptedRefunds.getOrDefault(p.id(), Set.of()), r);
                } finally {
                    inFlight.release();
                }
            }));
        }
        for (Load.Accepted a : load.accepted.values()) {
            if (a.kind().equals("refund")) {
                continue;
            }
            checks.add(CompletableFuture.runAsync(() -> {
                inFlight.acquireUninterruptibly();
                try {
                    String path = a.kind().equals("cancel") ? "/api2/payments/" : "/api2/sessions/";
                    JsonNode object = PaygateJson.wire()
                            .readTree(api.get(path + a.objectId()).join().body());
                    String expected = a.kind().equals("cancel") ? "canceled" : "expired";
                    if (!expected.equals(object.path("status").asString())) {
                        synchronized (r) {
                            r.lost++;
                            r.example(a.objectId() + " accepted but "
                                    + object.path("status").asString());
                        }
                    }
                    checkEvents(
                            events, sink, a.objectId(), object.path("version").asLong(), r);
                } finally {
                    inFlight.release();
                }
            }));
        }
        // a cancel or expiry the gateway shed (503 overloaded) changed nothing: the object is as it was
        load.shedChanges.forEach((id, kind) -> checks.add(CompletableFuture.runAsync(() -> {
            inFlight.acquireUninterruptibly();
            try {
                String path = kind.equals("cancel") ? "/api2/payments/" : "/api2/sessions/";
                String status = PaygateJson.wire()
                        .readTree(api.get(path + id).join().body())
                        .path("status")
                        .asString();
                if (status.equals(kind.equals("cancel") ? "canceled" : "expired")) {
                    synchronized (r) {
                        r.duplicated++;
                        r.example(id + " " + kind + " refused as overloaded but " + status);
                    }
                }
            } finally {
                inFlight.release();
            }
        })));
        CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).join();
        return r;
    }

    private static void checkPayment(
            Api api, EventLog events, WebhookSink sink, Load.Seeded seeded, Set<String> accepted, Reconciliation r) {
        JsonNode payment = PaygateJson.wire()
                .readTree(api.get("/api2/payments/" + seeded.id()).join().body());
        long received = payment.get("amountReceived").asLong();
        long refunded = payment.get("amountRefunded").asLong();
        Map<String, JsonNode> refunds = new LinkedHashMap<>();
        String after = null;
        do {
            JsonNode page = PaygateJson.wire()
                    .readTree(api.get("/api2/payments/" + seeded.id() + "/refunds?limit=100"
                                    + (after == null ? "" : "&startingAfter=" + after))
                            .join()
                            .body());
            after = null;
            for (JsonNode refund : page.get("data")) {
                refunds.put(refund.get("id").asString(), refund);
                r.refundStatuses.put(
                        refund.get("id").asString(), refund.path("status").asString());
                after = refund.get("id").asString();
            }
            if (!page.path("hasMore").asBoolean()) {
                after = null;
            }
        } while (after != null);
        long reserved = refunds.values().stream()
                .filter(f -> !"failed".equals(f.path("status").asString()))
                .mapToLong(f -> f.get("amount").asLong())
                .sum();
        long succeeded = refunds.values().stream()
                .filter(f -> "succeeded".equals(f.path("status").asString()))
                .mapToLong(f -> f.get("amount").asLong())
                .sum();
        synchronized (r) {
            for (String id : accepted) {
                if (!refunds.containsKey(id)) {
                    r.lost++;
                    r.example(id + " accepted but not listed");
                }
            }
            for (String id : refunds.keySet()) {
                if (!accepted.contains(id)) {
                    r.duplicated++;
                    r.example(id + " listed but never accepted");
                }
            }
            if (reserved > received || refunded > received) {
                r.overRefunds++;
                r.example(seeded.id() + " refunds " + reserved + ", amountRefunded " + refunded + " > " + received);
            }
            if (refunded != succeeded) {
                r.lost++;
                r.example(seeded.id() + " amountRefunded " + refunded + " but refunds succeeded " + succeeded);
            }
        }
        checkEvents(events, sink, seeded.id(), payment.get("version").asLong(), r);
        for (JsonNode refund : refunds.values()) {
            checkEvents(
                    events,
                    sink,
                    refund.get("id").asString(),
                    refund.get("version").asLong(),
                    r);
        }
    }

    /** Versions 1 … {@code version} each have exactly one event; every subscribed event reached the receiver. */
    private static void checkEvents(EventLog events, WebhookSink sink, String subject, long version, Reconciliation r) {
        Map<Long, Set<String>> byVersion = events.bySubject.getOrDefault(subject, Map.of());
        synchronized (r) {
            for (long v = 1; v <= version; v++) {
                Set<String> ids = byVersion.getOrDefault(v, Set.of());
                if (ids.isEmpty()) {
                    r.eventsMissing++;
                    r.example(subject + " version " + v + " has no event");
                } else if (ids.size() > 1) {
                    r.duplicated++;
                    r.example(subject + " version " + v + " has events " + ids);
                }
                for (String id : ids) {
                    if (SUBSCRIBED.contains(events.types.get(id)) && !sink.received(id)) {
                        r.webhooksMissing++;
                        r.example(id + " (" + events.types.get(id) + " of " + subject + ") never reached the receiver");
                    }
                }
            }
        }
    }

    private Reconciler() {}
}
