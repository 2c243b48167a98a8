package chat.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/** One scrape of a node's {@code /metrics} (Prometheus text format): series → value. */
public final class Scrape {

    private final Map<String, Double> series;
    private final String text;

    private Scrape(Map<String, Double> series, String text) {
        this.series = series;
        this.text = text;
    }

    public static Scrape of(String text) {
        Map<String, Double> series = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                throw new AssertionError("not a Prometheus sample line: " + line);
            }
            series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return new Scrape(series, text);
    }

    /** Reads {@code /metrics} of the node. */
    public static Scrape of(PayaraNode node) {
        ChatHttp.Reply reply = new ChatHttp(node).metrics();
        if (reply.status() != 200) {
            throw new AssertionError("/metrics answered " + reply.status());
        }
        return of(reply.body());
    }

    /** The value of a series, written exactly as exposed ({@code name} or {@code name{label="v"}}); 0 when absent. */
    public double value(String seriesName) {
        return series.getOrDefault(seriesName, 0.0);
    }

    public boolean has(String seriesName) {
        return series.containsKey(seriesName);
    }

    public String text() {
        return text;
    }
}
