package io.unibloc.cli;

import io.unibloc.blockstore.BlockStore;
import io.unibloc.registry.ref.Digest;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Shows pulls and builds: on a terminal one redrawn progress bar line, otherwise one log line per
 * finished blob or chain with its size and rate. Called from download threads, hence synchronized.
 */
public final class ConsoleProgress implements BlockStore.Progress {
    private static final long REDRAW_NANOS = 100_000_000;
    private static final int BAR = 30;

    private final PrintStream out;
    private final boolean terminal;
    private final Map<Digest, long[]> blobs = new LinkedHashMap<>(); // {total, done, startNanos}
    private long lastDraw;
    private final long started = System.nanoTime();
    private boolean drawn;

    public ConsoleProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** A bar when stdout is a terminal, log lines otherwise. */
    public static ConsoleProgress forStdout() {
        return new ConsoleProgress(System.out, System.console() != null);
    }

    @Override
    public synchronized void pullStarted(Digest blob, long totalBytes) {
        blobs.put(blob, new long[] {Math.max(totalBytes, 0), 0, System.nanoTime()});
        draw(false);
    }

    @Override
    public synchronized void pulled(Digest blob, long bytesSoFar) {
        long[] b = blobs.get(blob);
        if (b != null) {
            b[1] = bytesSoFar;
        }
        draw(false);
    }

    @Override
    public synchronized void pullFinished(Digest blob) {
        long[] b = blobs.get(blob);
        if (b == null) {
            return;
        }
        b[1] = b[0];
        if (terminal) {
            draw(true);
        } else {
            double secs = Math.max(1e-3, (System.nanoTime() - b[2]) / 1e9);
            out.printf(
                    Locale.ROOT,
                    "pulled %s %s in %.2f s (%s/s)%n",
                    blob.shortHex(),
                    Sizes.format(b[0]),
                    secs,
                    Sizes.format((long) (b[0] / secs)));
        }
    }

    @Override
    public synchronized void buildStarted(String chainId, int layerIndex, int layerCount) {
        clearLine();
        out.printf(Locale.ROOT, "building chain %s (layer %d/%d)%n", shortId(chainId), layerIndex + 1, layerCount);
    }

    @Override
    public synchronized void buildFinished(String chainId, long millis) {
        clearLine();
        out.printf(Locale.ROOT, "built chain %s in %d ms%n", shortId(chainId), millis);
    }

    /** Ends the bar line, if one is drawn. */
    public synchronized void finish() {
        if (terminal && drawn) {
            draw(true);
            out.println();
            drawn = false;
        }
    }

    private void draw(boolean force) {
        if (!terminal) {
            return;
        }
        long now = System.nanoTime();
        if (!force && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        long total = 0;
        long done = 0;
        for (long[] b : blobs.values()) {
            total += b[0];
            done += Math.min(b[1], b[0]);
        }
        double frac = total == 0 ? 0 : (double) done / total;
        int fill = (int) Math.round(frac * BAR);
        double secs = Math.max(1e-3, (now - started) / 1e9);
        out.printf(
                Locale.ROOT,
                "\rpulling [%s%s] %3.0f%% %s/%s %s/s  ",
                "=".repeat(fill),
                " ".repeat(BAR - fill),
                frac * 100,
                Sizes.format(done),
                Sizes.format(total),
                Sizes.format((long) (done / secs)));
        out.flush();
        drawn = true;
    }

    private void clearLine() {
        if (terminal && drawn) {
            out.println();
            drawn = false;
        }
    }

    private static String shortId(String id) {
        String s = id.startsWith("sha256:") ? id.substring(7) : id;
        return s.length() > 12 ? s.substring(0, 12) : s;
    }
}
