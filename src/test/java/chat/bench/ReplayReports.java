package chat.bench;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Redraws results.md and the PNGs from an existing results.json and run.json: {@code ReplayReports target/bench}. */
public final class ReplayReports {

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Path dir = Path.of(args.length > 0 ? args[0] : "target/bench");
        List<StepResult> results = Json.createReader(new StringReader(Files.readString(dir.resolve("results.json"))))
                .readArray().stream().map(JsonValue::asJsonObject).map(ReplayReports::row).toList();
        JsonObject run = Json.createReader(new StringReader(Files.readString(dir.resolve("run.json")))).readObject();
        Reports.write(dir, results, run);
    }

    private static StepResult row(JsonObject o) {
        return new StepResult(o.getString("name"), o.getString("workload"), o.getInt("nodes"), o.getInt("connections"),
                d(o, "target_rate"), d(o, "sent_per_s"), d(o, "delivered_per_s"), d(o, "p50_ms"), d(o, "p99_ms"),
                d(o, "p999_ms"), d(o, "max_ms"), o.getJsonNumber("lost").longValue(), o.getJsonNumber("duplicated").longValue(),
                o.getJsonNumber("reordered").longValue(), o.getJsonNumber("misrouted").longValue(), d(o, "heap_mb"),
                d(o, "rss_mb"), d(o, "server_cpu_pct"), d(o, "redis_cpu_pct"), d(o, "generator_cpu_pct"),
                d(o, "other_cpu_pct"), d(o, "generator_lag_ms"), o.getString("note", ""));
    }

    private static double d(JsonObject o, String key) {
        return o.getJsonNumber(key).doubleValue();
    }
}
