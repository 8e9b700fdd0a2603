package dev.paygate.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class PeriodicJobTest {

    static final Duration HOUR = Duration.ofHours(1);

    /** Records each signal, and each run's thread; a run waits for {@link #gate} while it is set. */
    static class Recording extends PeriodicJob {
        final List<Trigger> signals = new CopyOnWriteArrayList<>();
        final List<String> runs = new CopyOnWriteArrayList<>();
        final AtomicBoolean fail = new AtomicBoolean();
        volatile Sinks.One<Void> gate;

        Recording(Duration interval, boolean runAtStart) {
            super("recording job", interval, runAtStart);
        }

        @Override
        protected void signalled(Trigger trigger) {
            signals.add(trigger);
        }

        @Override
        protected Mono<?> runOnce() {
            runs.add(Thread.currentThread().getName());
            if (fail.get()) {
                return Mono.error(new IllegalStateException("database down"));
            }
            Sinks.One<Void> wait = gate;
            return wait == null ? Mono.empty() : wait.asMono();
        }
    }

    Recording job;

    @AfterEach
    void stop() {
        if (job != null) {
            job.stop();
        }
    }

    @Test
    void aWakeUpRunsAtOnceOnTheJobsOwnThreadNotTheCallers() {
        job = new Recording(HOUR, false);
        job.start();
        assertThat(job.runs).isEmpty();

        job.wakeUp();

        await().atMost(Duration.ofSeconds(5)).until(() -> job.runs.size() == 1);
        assertThat(job.signals).containsExactly(PeriodicJob.Trigger.WAKE_UP);
        assertThat(job.runs.get(0)).isNotEqualTo(Thread.currentThread().getName());
    }

    @Test
    void runAtStartRunsOnceAtStartAndTheIntervalRunsAfterIt() {
        job = new Recording(Duration.ofMillis(50), true);
        job.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> job.runs.size() >= 3);
        assertThat(job.signals.get(0)).isEqualTo(PeriodicJob.Trigger.START);
        assertThat(job.signals.subList(1, 3)).containsOnly(PeriodicJob.Trigger.TICK);
    }

    @Test
    void signalsDuringARunAreCoalescedIntoOneMoreRun() {
        job = new Recording(HOUR, false);
        job.gate = Sinks.one();
        job.start();
        job.wakeUp();
        await().atMost(Duration.ofSeconds(5)).until(() -> job.runs.size() == 1);

        Sinks.One<Void> first = job.gate;
        job.gate = null;
        for (int i = 0; i < 5; i++) {
            job.wakeUp();
        }
        first.tryEmitEmpty();

        assertThat(job.signals).hasSize(6);
        await().atMost(Duration.ofSeconds(5)).until(() -> job.runs.size() == 2);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> job.runs.size() == 2);
    }

    @Test
    void aFailedRunIsRetriedOnTheNextSignal() {
        job = new Recording(HOUR, false);
        job.fail.set(true);
        job.start();
        job.wakeUp();
        await().atMost(Duration.ofSeconds(5)).until(() -> job.runs.size() == 1);

        job.fail.set(false);
        job.wakeUp();

        await().atMost(Duration.ofSeconds(5)).until(() -> job.runs.size() == 2);
        assertThat(job.isRunning()).isTrue();
    }

    @Test
    void aStoppedJobDoesNotRunAndARestartedOneRunsAgain() {
        job = new Recording(HOUR, false);
        job.start();
        job.stop();
        assertThat(job.isRunning()).isFalse();

        job.wakeUp();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> job.runs.isEmpty());

        job.start();
        job.wakeUp();
        await().atMost(Duration.ofSeconds(5)).until(() -> job.runs.size() == 1);
    }
}
