package dev.paygate.acquirer.bank;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;

/**
 * The bank's memory, for as long as its process lives: what it executed, by idempotency key. The first request
 * with a key executes; any later one with the same key — concurrent or after — is answered that first outcome and
 * executes nothing, and one with the same key but another request is refused. An execution that did not happen
 * (the bank failed, the request was invalid) is forgotten, so a retry executes.
 */
public final class Ledger {

    /** What the bank answers: an HTTP status and a body to write as JSON. */
    public record Answer(int status, Object body) {}

    /** The result of executing a request: the answer and, if something was executed, its ledger entry. */
    public record Executed(Answer answer, LedgerEntry entry) {}

    /** What to send back; {@code replayed} when it is the first outcome answered again. */
    public record Reply(Answer answer, boolean replayed) {}

    private static final class Slot {
        final Object fingerprint;
        final CompletableFuture<Answer> answer = new CompletableFuture<>();
        final AtomicLong repeats = new AtomicLong();
        volatile LedgerEntry entry;

        Slot(Object fingerprint) {
            this.fingerprint = fingerprint;
        }
    }

    private final ConcurrentHashMap<String, Slot> byKey = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> currencyByAuthorization = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong repeats = new AtomicLong();

    /**
     * Runs {@code execution} if {@code key} is new, else answers what the first request with it was answered.
     * The execution is subscribed here, not by the caller: it completes (and is written down) even if the
     * caller that started it goes away, so a retry after a client timeout finds its outcome.
     *
     * @param fingerprint what the request asked for (equal for identical requests)
     */
    Mono<Reply> run(String key, Object fingerprint, Mono<Executed> execution) {
        return Mono.defer(() -> {
            Slot fresh = new Slot(fingerprint);
            Slot first = byKey.putIfAbsent(key, fresh);
            if (first == null) {
                execution.subscribe(
                        done -> {
                            if (done.entry() == null) {
                                byKey.remove(key, fresh);
                            } else {
                                record(fresh, done.entry());
                            }
                            fresh.answer.complete(done.answer());
                        },
                        error -> {
                            byKey.remove(key, fresh);
                            fresh.answer.completeExceptionally(error);
                        });
                return Mono.fromFuture(fresh.answer, true).map(a -> new Reply(a, false));
            }
            if (!first.fingerprint.equals(fingerprint)) {
                return Mono.just(new Reply(
                        new Answer(
                                422,
                                new BankApi.ErrorBody(
                                        "idempotency_key_reused",
                                        "Idempotency-Key " + key + " was used for another request.")),
                        false));
            }
            first.repeats.incrementAndGet();
            repeats.incrementAndGet();
            return Mono.fromFuture(first.answer, true).map(a -> new Reply(a, true));
        });
    }

    private void record(Slot slot, LedgerEntry entry) {
        if ("authorization".equals(entry.type()) && entry.authorizationId() != null && entry.currency() != null) {
            currencyByAuthorization.put(entry.authorizationId(), entry.currency());
        }
        slot.entry = entry;
    }

    long nextSequence() {
        return sequence.incrementAndGet();
    }

    /** The currency of an authorization this bank approved, if it did. */
    String currencyOf(String authorizationId) {
        return currencyByAuthorization.get(authorizationId);
    }

    /** Every executed operation, in the order executed; {@code null} filters match anything. */
    public List<LedgerEntry> entries(String reference, String authorizationId) {
        return byKey.values().stream()
                .filter(s -> s.entry != null)
                .map(s -> s.entry.withRepeats(s.repeats.get()))
                .filter(e -> reference == null || reference.equals(e.reference()))
                .filter(e -> authorizationId == null || authorizationId.equals(e.authorizationId()))
                .sorted(Comparator.comparingLong(LedgerEntry::sequence))
                .toList();
    }

    public List<LedgerEntry> entries() {
        return entries(null, null);
    }

    /** How many requests were answered from the ledger instead of executed. */
    public long repeats() {
        return repeats.get();
    }
}
