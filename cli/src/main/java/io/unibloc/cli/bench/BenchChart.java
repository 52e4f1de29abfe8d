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
 * Draws the create+attach p50 latencies as grouped bars on a log scale (Java2D, headless; no plotting
 * tool needed on the machine).
 */
final class BenchChart {
    private static final int W = 900;
    private static final int H = 520;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 60;
    private static final int BOTTOM = 90;
    private static final Color[] COLORS = {new Color(0x2b6cb0), new Color(0xdd6b20), new Color(0x718096)};

    private BenchChart() {}

    /** {@code valuesMs[variant][size]}; NaN values are left out. */
    static void write(Path png, String title, List<Long> sizesMiB, List<String> variants, double[][] valuesMs) {
        write(png, title, sizesMiB.stream().map(s -> s + " MiB image").toList(), variants, valuesMs, "");
    }

    /** As above with a label per group of bars and a note under the title. */
    static void write(
            Path png, String title, List<String> groups, List<String> variants, double[][] valuesMs, String note) {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, LEFT, 30);
        if (!note.isEmpty()) {
            java.awt.Font font = g.getFont();
            g.setFont(font.deriveFont(java.awt.Font.PLAIN, 12f));
            g.drawString(note, LEFT, 48);
            g.setFont(font);
        }

        double max = 1;
        for (double[] row : valuesMs) {
            for (double v : row) {
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        int decades = (int) Math.ceil(Math.log10(max)) + 1; // from 0.1 ms
        int plotH = H - TOP - BOTTOM;
        int plotW = W - LEFT - RIGHT;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int d = 0; d <= decades; d++) {
            int y = H - BOTTOM - d * plotH / decades;
            g.setColor(new Color(0xe2e8f0));
            g.drawLine(LEFT, y, W - RIGHT, y);
            g.setColor(Color.DARK_GRAY);
            double v = Math.pow(10, d - 1);
            String label = v < 1
                    ? "0.1 ms"
                    : v < 1000
                            ? String.format(Locale.ROOT, "%.0f ms", v)
                            : String.format(Locale.ROOT, "%.0f s", v / 1000);
            g.drawString(label, 10, y + 4);
        }
        int groupCount = groups.size();
        int groupW = plotW / Math.max(1, groupCount);
        int barW = Math.max(8, (groupW - 40) / Math.max(1, variants.size()));
        for (int s = 0; s < groupCount; s++) {
            int gx = LEFT + s * groupW + 20;
            for (int v = 0; v < variants.size(); v++) {
                double ms = valuesMs[v][s];
                if (Double.isNaN(ms)) {
                    continue;
                }
                double frac = (Math.log10(Math.max(ms, 0.1)) + 1) / decades;
                int h = (int) Math.round(frac * plotH);
                int x = gx + v * barW;
                g.setColor(COLORS[v % COLORS.length]);
                g.fillRect(x, H - BOTTOM - h, barW - 4, h);
                g.setColor(Color.BLACK);
                String t = ms >= 100 ? String.format(Locale.ROOT, "%.0f", ms) : String.format(Locale.ROOT, "%.1f", ms);
                g.drawString(t, x, H - BOTTOM - h - 4);
            }
            g.setColor(Color.BLACK);
            g.drawString(groups.get(s), gx + (variants.size() * barW) / 2 - 35, H - BOTTOM + 20);
        }
        g.setStroke(new BasicStroke(1.5f));
        g.drawLine(LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM);
        g.drawLine(LEFT, TOP - 10, LEFT, H - BOTTOM);
        for (int v = 0; v < variants.size(); v++) {
            int lx = LEFT + v * 230;
            g.setColor(COLORS[v % COLORS.length]);
            g.fillRect(lx, H - 40, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(variants.get(v), lx + 20, H - 28);
        }
        g.dispose();
        try {
            ImageIO.write(img, "png", png.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
    }
}
