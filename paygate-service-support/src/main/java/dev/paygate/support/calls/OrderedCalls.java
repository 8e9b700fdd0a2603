package dev.paygate.support.calls;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Runs calls to a remote system (the bank) many at once, but those of one key (a payment) one after another, in
 * the order they were submitted. At most {@code maxInFlight} run at a time; the rest wait in memory, in order.
 * Nothing here holds a database transaction or lock: callers record the intent first, commit, then submit.
 *
 * <p>State is a few counters and queues under one monitor; the calls themselves run outside it.
 */
public final class OrderedCalls {

    private final int maxInFlight;
    /** Per key with a call running or waiting: the calls queued behind the one that runs. */
    private final Map<String, ArrayDeque<Call<?>>> byKey = new HashMap<>();
    /** Calls first in line for their key, waiting for a free slot, in submission order. */
    private final ArrayDeque<Call<?>> ready = new ArrayDeque<>();

    private int running;
    private int waiting;
    private long started;

    public OrderedCalls(int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
    }

    /**
     * The call, run when its turn comes: after every call submitted earlier under {@code key} has finished
     * (whether it succeeded or failed), and when fewer than {@code maxInFlight} calls run. Subscribing submits it;
     * cancelling before it started takes it out of line.
     */
    public <T> Mono<T> submit(String key, Supplier<? extends Mono<T>> call) {
        return Mono.create(sink -> {
            Call<T> c = new Call<>(key, call, sink);
            sink.onCancel(c::cancel);
            enqueue(c);
            drain();
        });
    }

    /** How many calls run now. */
    public synchronized int inFlight() {
        return running;
    }

    /** How many calls wait for their turn. */
    public synchronized int queued() {
        return waiting;
    }

    /** How many calls were started since this was made. */
    public synchronized long started() {
        return started;
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    /**
     * Blocks (a Kafka consumer's own thread, never an event loop) until at most {@code limit} calls wait, or the
     * timeout passed: a consumer that calls this after each poll doesn't take in work faster than it is done.
     * Emits whether there is room now.
     */
    public synchronized boolean awaitRoom(int limit, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (waiting > limit) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    private synchronized void enqueue(Call<?> c) {
        waiting++;
        ArrayDeque<Call<?>> behind = byKey.get(c.key);
        if (behind == null) {
            byKey.put(c.key, new ArrayDeque<>());
            ready.add(c);
        } else {
            behind.add(c);
        }
    }

    /** Starts calls while there are slots and calls free to run; each is started outside the monitor. */
    private void drain() {
        while (true) {
            Call<?> next;
            synchronized (this) {
                if (running >= maxInFlight || ready.isEmpty()) {
                    return;
                }
                next = ready.poll();
                waiting--;
                notifyAll();
                if (next.cancelled) {
                    // its place in line goes to the call behind it
                    release(next.key);
                    continue;
                }
                running++;
                started++;
            }
            next.run();
        }
    }

    /** The call of {@code key} is done (or dropped): the next of that key becomes free to run. */
    private synchronized void release(String key) {
        ArrayDeque<Call<?>> behind = byKey.get(key);
        Call<?> next = behind == null ? null : behind.poll();
        if (next == null) {
            byKey.remove(key);
        } else {
            ready.add(next);
        }
    }

    private void finished(String key) {
        synchronized (this) {
            running--;
            release(key);
        }
        drain();
    }

    private final class Call<T> {
        final String key;
        final Supplier<? extends Mono<T>> call;
        final MonoSink<T> sink;
        volatile boolean cancelled;

        Call(String key, Supplier<? extends Mono<T>> call, MonoSink<T> sink) {
            this.key = key;
            this.call = call;
            this.sink = sink;
        }

        void cancel() {
            cancelled = true;
        }

        void run() {
            Mono<T> work;
            try {
                work = call.get();
            } catch (RuntimeException e) {
                finished(key);
                sink.error(e);
                return;
            }
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            Runnable once = () -> {
                if (done.compareAndSet(false, true)) {
                    finished(key);
                }
            };
            work.doFinally(signal -> once.run())
                    .contextWrite(sink.contextView())
                    .subscribe(
                            value -> {
                                once.run();
                                sink.success(value);
                            },
                            error -> {
                                once.run();
                                sink.error(error);
                            },
                            () -> {
                                once.run();
                                sink.success();
                            });
        }
    }
}
