package io.unibloc.cli.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Two linear bar panels for the page-cache scenarios (host page-cache growth or the store's resident files, and
 * store disk reads, MiB) per reader or guest count, one bar per mode. Java2D, like {@link BenchChart}: no plotting tool needed.
 */
final class PageCacheChart {
    private static final int W = 1000;
    private static final int H = 520;
    private static final int PANEL_W = 440;
    private static final int TOP = 70;
    private static final int BOTTOM = 110;
    private static final Color[] COLORS = {new Color(0xdd6b20), new Color(0x2b6cb0), new Color(0x38a169)};

    private PageCacheChart() {}

    /** One bar pair: a mode at N readers or guests, the left panel's and the right panel's value (MiB). */
    record Bar(String mode, int n, double left, double right) {}

    static void write(
            Path png, List<PageCacheBench.Sample> samples, List<Integer> readers, List<String> modes, long imageMiB) {
        write(
                png,
                "N guests reading one " + imageMiB + " MiB image (O_DIRECT, as QEMU cache=none)",
                "host page cache growth, MiB",
                "store disk reads, MiB",
                samples.stream()
                        .map(s -> new Bar(s.mode(), s.readers(), s.cacheMiB(), s.storeReadMiB()))
                        .toList(),
                readers,
                modes);
    }

    static void write(
            Path png,
            String title,
            String leftTitle,
            String rightTitle,
            List<Bar> samples,
            List<Integer> readers,
            List<String> modes) {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, 30, 28);
        panel(g, 60, leftTitle, samples, readers, modes, true);
        panel(g, 60 + PANEL_W + 30, rightTitle, samples, readers, modes, false);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int m = 0; m < modes.size(); m++) {
            int lx = 30 + m * 300;
            g.setColor(COLORS[m % COLORS.length]);
            g.fillRect(lx, H - 40, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(modes.get(m), lx + 20, H - 28);
        }
        g.dispose();
        try {
            ImageIO.write(img, "png", png.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
    }

    private static void panel(
            Graphics2D g,
            int left,
            String title,
            List<Bar> samples,
            List<Integer> readers,
            List<String> modes,
            boolean cache) {
        int plotH = H - TOP - BOTTOM;
        double max = 1;
        for (Bar s : samples) {
            max = Math.max(max, value(s, cache));
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.setColor(Color.BLACK);
        g.drawString(title, left, TOP - 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        int groupW = (PANEL_W - 20) / Math.max(1, readers.size());
        int barW = Math.max(8, (groupW - 20) / Math.max(1, modes.size()));
        for (int r = 0; r < readers.size(); r++) {
            int gx = left + 20 + r * groupW;
            for (int m = 0; m < modes.size(); m++) {
                int n = readers.get(r);
                String mode = modes.get(m);
                Bar s = samples.stream()
                        .filter(o -> o.n() == n && o.mode().equals(mode))
                        .findFirst()
                        .orElse(null);
                if (s == null) {
                    continue;
                }
                double v = Math.max(0, value(s, cache));
                int h = (int) Math.round(v / max * plotH);
                int x = gx + m * barW;
                g.setColor(COLORS[m % COLORS.length]);
                g.fillRect(x, H - BOTTOM - h, barW - 3, h);
                g.setColor(Color.BLACK);
                g.drawString(String.format(Locale.ROOT, "%.0f", v), x, H - BOTTOM - h - 4);
            }
            g.drawString("N = " + readers.get(r), gx + modes.size() * barW / 2 - 20, H - BOTTOM + 18);
        }
        g.setStroke(new BasicStroke(1.5f));
        g.drawLine(left, H - BOTTOM, left + PANEL_W, H - BOTTOM);
        g.drawLine(left, TOP - 10, left, H - BOTTOM);
    }

    private static double value(Bar s, boolean cache) {
        return cache ? s.left() : s.right();
    }
}
