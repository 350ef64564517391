package dev.streamrpc.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The benchmark chart, drawn with Java2D: no plotting library needed. */
final class Chart {

    private static final Color STREAMRPC = new Color(59, 91, 219);
    private static final Color FLOOR = new Color(134, 142, 150);
    private static final int WIDTH = 1500;
    private static final int HEIGHT = 520;

    private Chart() {
    }

    static void write(BenchRunner.Report report, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        bars(g, 40, "fanout deliveries/s (median)", report.fanout("StreamRPC", Load.Fanout::perSecond),
                report.fanout("floor", Load.Fanout::perSecond));
        Load.Fanout a = report.fixedAt("StreamRPC", 20_000);
        Load.Fanout b = report.fixedAt("floor", 20_000);
        bars(g, 540, "p99 latency (ms) at 20,000 deliveries/s", a == null ? 0 : a.p99(), b == null ? 0 : b.p99());
        curve(g, 1040, report);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static void bars(Graphics2D g, int x, String title, double streamrpc, double floor) {
        title(g, x, title);
        double max = Math.max(1e-9, Math.max(streamrpc, floor)) * 1.15;
        int base = HEIGHT - 70;
        int height = base - 90;
        double[] values = {streamrpc, floor};
        Color[] colors = {STREAMRPC, FLOOR};
        String[] names = {"StreamRPC", "floor"};
        for (int i = 0; i < 2; i++) {
            int barHeight = (int) (height * values[i] / max);
            int left = x + 60 + i * 180;
            g.setColor(colors[i]);
            g.fillRect(left, base - barHeight, 120, barHeight);
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
            g.drawString(String.format(values[i] >= 100 ? "%,.0f" : "%.2f", values[i]), left + 10, base - barHeight - 8);
            g.drawString(names[i], left + 20, base + 22);
        }
        g.drawLine(x + 40, base, x + 440, base);
    }

    private static void curve(Graphics2D g, int x, BenchRunner.Report report) {
        title(g, x, "p99 latency (ms) against offered deliveries/s");
        int left = x + 50;
        int right = x + 440;
        int base = HEIGHT - 70;
        int top = 90;
        double maxRate = 0;
        double maxLatency = 0;
        for (Load.Fanout f : report.fixed) {
            maxRate = Math.max(maxRate, f.offered());
            maxLatency = Math.max(maxLatency, f.p99());
        }
        maxRate *= 1.1;
        maxLatency = Math.max(1e-9, maxLatency * 1.15);
        g.setColor(Color.DARK_GRAY);
        g.drawLine(left, base, right, base);
        g.drawLine(left, base, left, top);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(String.format("%.0f ms", maxLatency), left - 45, top + 4);
        g.drawString(String.format("%,.0f/s", maxRate), right - 50, base + 20);
        for (String server : List.of("StreamRPC", "floor")) {
            g.setColor(server.equals("floor") ? FLOOR : STREAMRPC);
            g.setStroke(new BasicStroke(3));
            int[] previous = null;
            for (Load.Fanout f : report.fixed.stream().filter(r -> r.server().equals(server)).toList()) {
                int px = left + (int) ((right - left) * f.offered() / maxRate);
                int py = base - (int) ((base - top) * f.p99() / maxLatency);
                g.fillOval(px - 5, py - 5, 10, 10);
                if (previous != null) {
                    g.drawLine(previous[0], previous[1], px, py);
                }
                previous = new int[] {px, py};
            }
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        g.setColor(STREAMRPC);
        g.drawString("● StreamRPC", left + 10, base + 45);
        g.setColor(FLOOR);
        g.drawString("● floor", left + 140, base + 45);
    }

    private static void title(Graphics2D g, int x, String title) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
        g.drawString(title, x + 20, 45);
    }
}
