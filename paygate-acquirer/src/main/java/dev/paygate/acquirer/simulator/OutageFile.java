package dev.paygate.acquirer.simulator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * The simulator's outage switch for fault tests ({@code PAYGATE_ACQUIRER_OUTAGE_FILE}): while the file exists, the
 * simulated bank does not answer. A file, so a test can switch the bank of services running in other processes. It
 * is looked at no more often than every {@code checkMillis}.
 */
public final class OutageFile implements BooleanSupplier {

    private final Path file;
    private final long checkMillis;
    private volatile long checkedAt = Long.MIN_VALUE;
    private volatile boolean down;

    public OutageFile(Path file, long checkMillis) {
        this.file = file;
        this.checkMillis = checkMillis;
    }

    /** A switch that is never on, when no file is configured. */
    public static BooleanSupplier of(String file) {
        return file == null || file.isBlank() ? () -> false : new OutageFile(Path.of(file), 100);
    }

    @Override
    public boolean getAsBoolean() {
        long now = System.nanoTime() / 1_000_000;
        if (checkedAt == Long.MIN_VALUE || now - checkedAt >= checkMillis) {
            down = Files.exists(file);
            checkedAt = now;
        }
        return down;
    }
}
