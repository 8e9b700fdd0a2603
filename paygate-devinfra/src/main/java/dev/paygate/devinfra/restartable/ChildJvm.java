package dev.paygate.devinfra.restartable;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A main class run in a JVM of its own, on this JVM's class path, that can be killed abruptly ({@code SIGKILL}: no
 * shutdown hook, no graceful close, no flush) and started again with the same arguments. Its output is appended to
 * a log file, across restarts, so what it wrote can be read afterwards.
 */
public final class ChildJvm implements AutoCloseable {

    /** Children still running when this JVM exits (normally or by SIGTERM) are killed with it, not orphaned. */
    private static final java.util.Set<ChildJvm> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(ChildJvm::kill), "child-jvm-reaper"));
    }

    private final String name;
    private final List<String> command;
    private final Path log;
    private Process process;

    /**
     * @param jvmOptions  e.g. {@code -Xmx512m}
     * @param mainClass   run with {@code arguments}
     * @param log         the file its standard output and error are appended to
     */
    public ChildJvm(String name, List<String> jvmOptions, String mainClass, List<String> arguments, Path log) {
        this.name = name;
        this.log = log;
        List<String> c = new ArrayList<>();
        c.add(ProcessHandle.current()
                .info()
                .command()
                .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java"));
        c.addAll(jvmOptions);
        c.add("-cp");
        c.add(System.getProperty("java.class.path"));
        c.add(mainClass);
        c.addAll(arguments);
        this.command = List.copyOf(c);
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public synchronized ChildJvm start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            RUNNING.add(this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name, e);
        }
        return this;
    }

    /** Runs it to its end (a tool, not a server) and answers its exit code. */
    public int runToEnd(Duration timeout) {
        start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new IllegalStateException(name + " did not end within " + timeout + "; see " + log);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** The running process's id (for its CPU time in {@code /proc}); -1 when it is not running. */
    public synchronized long pid() {
        return process != null && process.isAlive() ? process.pid() : -1;
    }

    /**
     * SIGTERM, as an operator's restart does: the JVM runs its shutdown hooks (consumers leave their groups, pools
     * close); SIGKILL after {@code grace}. Waits until the process is gone.
     */
    public synchronized void stop(Duration grace) {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                return;
            }
            RUNNING.remove(this);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * SIGSTOP ({@code true}) or SIGCONT ({@code false}): the process is frozen — no thread runs, no heartbeat, no
     * socket is closed — and later wakes up as if no time had passed, the way a long GC pause or a VM migration
     * looks to the rest of the cluster.
     */
    public synchronized void freeze(boolean frozen) {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(name + " is not running");
        }
        try {
            int exit = new ProcessBuilder("kill", frozen ? "-STOP" : "-CONT", Long.toString(process.pid()))
                    .inheritIO()
                    .start()
                    .waitFor();
            if (exit != 0) {
                throw new IllegalStateException(
                        "kill " + (frozen ? "-STOP " : "-CONT ") + process.pid() + " exited " + exit);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot signal " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** SIGKILL, and waits until the process is gone (its ports and files are free again). */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " survived SIGKILL for 30 s");
            }
            RUNNING.remove(this);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        kill();
    }
}
