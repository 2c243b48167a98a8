package chat.bench;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonGenerator;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes results.json, results.md and the PNG charts. */
final class Reports {

    private Reports() {
    }

    static void write(Path dir, List<StepResult> results, JsonObject run) throws IOException {
        Files.createDirectories(dir);
        JsonArrayBuilder steps = Json.createArrayBuilder();
        results.forEach(r -> steps.add(r.toJson()));
        StringWriter json = new StringWriter();
        try (var writer = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true)).createWriter(json)) {
            writer.writeArray(steps.build());
        }
        Files.writeString(dir.resolve("results.json"), json + "\n");
        Files.writeString(dir.resolve("run.json"), run.toString() + "\n");
        Files.writeString(dir.resolve("results.md"), markdown(results, run));
        charts(dir, results);
    }

    static String markdown(List<StepResult> results, JsonObject run) {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmark results\n\n");
        run.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v.toString().replace("\"", "")).append('\n'));
        md.append('\n');
        md.append("| step | nodes | conns | sent/s | delivered/s | p50 ms | p99 ms | p99.9 ms | max ms | lost | dup | reord | heap MB | RSS MB | server CPU % | redis CPU % | generator CPU % | other CPU % |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (StepResult r : results) {
            md.append("| ").append(r.name()).append(r.pastKnee() && !r.workload().equals("capacity") ? " ⚠" : "")
                    .append(" | ").append(r.nodes())
                    .append(" | ").append(r.connections())
                    .append(" | ").append(num(r.sentPerS()))
                    .append(" | ").append(num(r.deliveredPerS()))
                    .append(" | ").append(ms(r.p50Ms()))
                    .append(" | ").append(ms(r.p99Ms()))
                    .append(" | ").append(ms(r.p999Ms()))
                    .append(" | ").append(ms(r.maxMs()))
                    .append(" | ").append(r.lost())
                    .append(" | ").append(r.duplicated())
                    .append(" | ").append(r.reordered())
                    .append(" | ").append(num(r.heapMb()))
                    .append(" | ").append(num(r.rssMb()))
                    .append(" | ").append(num(r.serverCpuPct()))
                    .append(" | ").append(num(r.redisCpuPct()))
                    .append(" | ").append(num(r.generatorCpuPct()))
                    .append(" | ").append(num(r.otherCpuPct()))
                    .append(" |\n");
        }
        md.append(seedComparison(results));
        md.append("\n⚠ = past the knee (p99 > 50 ms, or a loss or duplicate). Capacity rows: latency columns are the "
                + "WebSocket handshake latency of the sockets opened in that step, heap is the live heap after a full GC.\n");
        List<String> notes = results.stream().filter(r -> r.note() != null && !r.note().isEmpty())
                .map(r -> "- " + r.name() + ": " + r.note()).toList();
        if (!notes.isEmpty()) {
            md.append("\nNotes:\n");
            notes.forEach(n -> md.append(n).append('\n'));
        }
        return md.toString();
    }

    /**
     * The seed and redis-chat under the same broadcast workload in this run: latency at the lowest
     * rate both ran, and each one's best step with p99 <= 50 ms and nothing lost, with the ratios.
     */
    static String seedComparison(List<StepResult> results) {
        List<StepResult> seed = results.stream().filter(r -> r.workload().equals(Bench.SEED_WORKLOAD)).toList();
        List<StepResult> ours = results.stream().filter(r -> r.workload().equals("broadcast-100")).toList();
        if (seed.isEmpty() || ours.isEmpty()) {
            return "\nSide by side with the seed: not run (needs `-Dbench.seed=PATH` and the broadcast-100 workload).\n";
        }
        StringBuilder md = new StringBuilder("\n## Side by side with the seed (broadcast to 100, same run)\n\n");
        md.append("| | the seed (Node.js, socket.io) | redis-chat | redis-chat / seed |\n|---|---:|---:|---:|\n");
        double low = Math.max(seed.get(0).targetRate(), ours.get(0).targetRate());
        StepResult seedLow = seed.stream().filter(r -> r.targetRate() == low).findFirst().orElse(null);
        StepResult ourLow = ours.stream().filter(r -> r.targetRate() == low).findFirst().orElse(null);
        if (seedLow != null && ourLow != null) {
            md.append(String.format(Locale.ROOT, "| p50 at %,.0f msg/s (ms) | %s | %s | %.2f |%n", low, ms(seedLow.p50Ms()),
                    ms(ourLow.p50Ms()), ourLow.p50Ms() / seedLow.p50Ms()));
            md.append(String.format(Locale.ROOT, "| p99 at %,.0f msg/s (ms) | %s | %s | %.2f |%n", low, ms(seedLow.p99Ms()),
                    ms(ourLow.p99Ms()), ourLow.p99Ms() / seedLow.p99Ms()));
        }
        StepResult seedKnee = best(seed);
        StepResult ourKnee = best(ours);
        md.append(String.format(Locale.ROOT, "| best deliveries/s with p99 <= 50 ms, nothing lost | %s | %s | %s |%n",
                describe(seedKnee), describe(ourKnee), seedKnee == null || ourKnee == null ? "–"
                        : String.format(Locale.ROOT, "%.1f", ourKnee.deliveredPerS() / seedKnee.deliveredPerS())));
        return md.toString();
    }

    private static StepResult best(List<StepResult> steps) {
        return steps.stream().filter(r -> !r.pastKnee()).max(java.util.Comparator.comparingDouble(StepResult::deliveredPerS)).orElse(null);
    }

    private static String describe(StepResult r) {
        return r == null ? "none" : String.format(Locale.ROOT, "%s (%,.0f msg/s, p99 %s ms)", num(r.deliveredPerS()),
                r.targetRate(), ms(r.p99Ms()));
    }

    private static void charts(Path dir, List<StepResult> results) throws IOException {
        Map<String, List<StepResult>> byWorkload = new LinkedHashMap<>();
        for (StepResult r : results) {
            if (!r.workload().startsWith("capacity") && !r.workload().equals("slow-consumer") && r.targetRate() > 0) {
                byWorkload.computeIfAbsent(r.workload(), w -> new ArrayList<>()).add(r);
            }
        }
        List<XYChart> latency = new ArrayList<>();
        for (var entry : byWorkload.entrySet()) {
            List<StepResult> steps = entry.getValue();
            XYChart chart = new XYChartBuilder().width(640).height(420).title(entry.getKey() + ": latency vs deliveries/s")
                    .xAxisTitle("deliveries per second (thousands)").yAxisTitle("latency (ms, log scale)").build();
            chart.getStyler().setYAxisLogarithmic(true);
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
            chart.getStyler().setYAxisDecimalPattern("#,##0.#");
            chart.getStyler().setXAxisDecimalPattern("#,##0");
            decades(chart, steps.stream().mapToDouble(StepResult::p999Ms).max().orElse(100));
            double[] x = steps.stream().mapToDouble(s -> s.deliveredPerS() / 1000).toArray();
            series(chart, "p50", x, steps.stream().mapToDouble(s -> Math.max(0.1, s.p50Ms())).toArray());
            series(chart, "p99", x, steps.stream().mapToDouble(s -> Math.max(0.1, s.p99Ms())).toArray());
            series(chart, "p99.9", x, steps.stream().mapToDouble(s -> Math.max(0.1, s.p999Ms())).toArray());
            series(chart, "50 ms target", new double[]{x[0], x[x.length - 1]}, new double[]{50, 50})
                    .setMarker(SeriesMarkers.NONE);
            latency.add(chart);
        }
        for (int i = 0; i < latency.size(); i++) {
            String workload = new ArrayList<>(byWorkload.keySet()).get(i);
            BitmapEncoder.saveBitmap(latency.get(i), dir.resolve("latency-" + workload + ".png").toString(),
                    BitmapEncoder.BitmapFormat.PNG);
        }
        if (!byWorkload.isEmpty()) {
            XYChart all = new XYChartBuilder().width(900).height(560).title("p99 delivery latency vs deliveries/s, every workload")
                    .xAxisTitle("deliveries per second (thousands)").yAxisTitle("p99 latency (ms, log scale)").build();
            all.getStyler().setYAxisLogarithmic(true);
            all.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
            all.getStyler().setYAxisDecimalPattern("#,##0.#");
            all.getStyler().setXAxisDecimalPattern("#,##0");
            decades(all, byWorkload.values().stream().flatMap(List::stream).mapToDouble(StepResult::p99Ms).max().orElse(100));
            double maxX = 0;
            for (var entry : byWorkload.entrySet()) {
                double[] x = entry.getValue().stream().mapToDouble(s -> s.deliveredPerS() / 1000).toArray();
                maxX = Math.max(maxX, Arrays.stream(x).max().orElse(0));
                series(all, entry.getKey() + " p99", x, entry.getValue().stream().mapToDouble(s -> Math.max(0.1, s.p99Ms())).toArray());
            }
            series(all, "50 ms target", new double[]{0, maxX}, new double[]{50, 50}).setMarker(SeriesMarkers.NONE);
            BitmapEncoder.saveBitmap(all, dir.resolve("latency-vs-rate.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        }
        List<StepResult> capacity = results.stream().filter(r -> r.workload().equals("capacity")).toList();
        if (!capacity.isEmpty()) {
            double[] x = capacity.stream().mapToDouble(StepResult::connections).toArray();
            XYChart memory = new XYChartBuilder().width(640).height(420).title("Idle authenticated sockets on one node: memory")
                    .xAxisTitle("open WebSockets").yAxisTitle("MB").build();
            memory.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
            memory.getStyler().setYAxisMin(0.0);
            memory.getStyler().setXAxisDecimalPattern("#,##0");
            memory.getStyler().setYAxisDecimalPattern("#,##0");
            series(memory, "live heap after full GC", x, capacity.stream().mapToDouble(StepResult::heapMb).toArray());
            series(memory, "RSS", x, capacity.stream().mapToDouble(StepResult::rssMb).toArray());
            series(memory, "1 GiB heap target", new double[]{x[0], x[x.length - 1]}, new double[]{1024, 1024})
                    .setMarker(SeriesMarkers.NONE);
            XYChart handshake = new XYChartBuilder().width(640).height(420).title("Handshake latency while opening them")
                    .xAxisTitle("open WebSockets").yAxisTitle("ms").build();
            handshake.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
            handshake.getStyler().setYAxisMin(0.0);
            handshake.getStyler().setXAxisDecimalPattern("#,##0");
            List<StepResult> opened = capacity.stream().filter(r -> r.p99Ms() >= 0 && r.connections() > 0).toList();
            if (!opened.isEmpty()) {
                double[] ox = opened.stream().mapToDouble(StepResult::connections).toArray();
                series(handshake, "p50", ox, opened.stream().mapToDouble(StepResult::p50Ms).toArray());
                series(handshake, "p99", ox, opened.stream().mapToDouble(StepResult::p99Ms).toArray());
                series(handshake, "max", ox, opened.stream().mapToDouble(StepResult::maxMs).toArray());
            }
            BitmapEncoder.saveBitmap(List.of(memory, handshake), 1, 2, dir.resolve("heap-vs-connections.png").toString(),
                    BitmapEncoder.BitmapFormat.PNG);
        }
    }

    /** Log axes label only powers of ten: span whole decades so that 1, 10, 100 ... appear. */
    private static void decades(XYChart chart, double maxMs) {
        chart.getStyler().setYAxisMin(1.0);
        chart.getStyler().setYAxisMax(Math.pow(10, Math.max(2, Math.ceil(Math.log10(Math.max(maxMs, 1))))));
    }

    private static XYSeries series(XYChart chart, String name, double[] x, double[] y) {
        return chart.addSeries(name, x, y);
    }

    private static String num(double v) {
        if (Double.isNaN(v) || v < 0) {
            return "–";
        }
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String ms(double v) {
        if (Double.isNaN(v) || v < 0) {
            return "–";
        }
        return v < 10 ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%,.0f", v);
    }
}
