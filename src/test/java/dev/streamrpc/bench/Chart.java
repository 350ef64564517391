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
import java.util.function.Function;

/** The benchmark chart, drawn with Java2D: six figures, a bar per server at its median, a whisker from its lowest to its highest round. */
final class Chart {

    private static final List<Color> COLORS = List.of(new Color(59, 91, 219), new Color(134, 142, 150), new Color(230, 119, 0));
    private static final int PANEL_WIDTH = 500;
    private static final int PANEL_HEIGHT = 420;

    private Chart() {
    }

    static void write(Report report, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(3 * PANEL_WIDTH, 2 * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        panel(g, 0, 0, "fanout deliveries/s", s -> report.fanout(s, Load.Fanout::perSecond));
        panel(g, 1, 0, "fanout server CPU per delivery (µs)", s -> report.fanout(s, Load.Fanout::serverCpuMicrosPerDelivery));
        panel(g, 2, 0, "echo calls/s", s -> report.rpc(s, Load.Rpc::perSecond));
        panel(g, 0, 1, "echo latency p99 (ms)", s -> report.rpc(s, Load.Rpc::p99));
        panel(g, 1, 1, "RSS per idle subscribed connection (KiB)", s -> report.idle(s, Load.Idle::rssKibPerConnection));
        panel(g, 2, 1, "subscribe storm, subscribes/s", s -> report.idle(s, Load.Idle::subscribesPerSecond));
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static void panel(Graphics2D g, int column, int line, String title, Function<String, Report.Spread> figure) {
        int x = column * PANEL_WIDTH;
        int base = (line + 1) * PANEL_HEIGHT - 60;
        int top = line * PANEL_HEIGHT + 90;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
        g.drawString(title, x + 20, line * PANEL_HEIGHT + 40);
        List<Report.Spread> spreads = Report.SERVERS.stream().map(figure).toList();
        double max = spreads.stream().mapToDouble(s -> Double.isNaN(s.max()) ? 0 : s.max()).max().orElse(0) * 1.1;
        max = Math.max(max, 1e-9);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        for (int i = 0; i < spreads.size(); i++) {
            Report.Spread spread = spreads.get(i);
            int left = x + 40 + i * 150;
            g.setColor(Color.DARK_GRAY);
            g.drawString(Report.SERVERS.get(i), left + 10, base + 22);
            if (Double.isNaN(spread.median())) {
                g.drawString("not run", left + 20, base - 10);
                continue;
            }
            int height = (int) ((base - top) * spread.median() / max);
            g.setColor(COLORS.get(i));
            g.fillRect(left, base - height, 110, height);
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(2));
            int low = base - (int) ((base - top) * spread.min() / max);
            int high = base - (int) ((base - top) * spread.max() / max);
            g.drawLine(left + 55, low, left + 55, high);
            g.drawLine(left + 45, low, left + 65, low);
            g.drawLine(left + 45, high, left + 65, high);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(spread.median() >= 100 ? "%,.0f" : "%.2f", spread.median()), left + 5, high - 8);
        }
        g.drawLine(x + 30, base, x + PANEL_WIDTH - 30, base);
    }
}
