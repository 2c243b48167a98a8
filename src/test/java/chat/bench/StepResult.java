package chat.bench;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * One row of results.json: a workload at one rate (or one connection count). Latency columns
 * are end-to-end delivery latency from each message's due send time; for capacity rows they are
 * the WebSocket handshake latency of the sockets opened in that step. CPU columns are percent of
 * one core over the step (the machine has 2 cores: 200% is all of it).
 */
record StepResult(String name, String workload, int nodes, int connections, double targetRate,
                  double sentPerS, double deliveredPerS, double p50Ms, double p99Ms, double p999Ms, double maxMs,
                  long lost, long duplicated, long reordered, long misrouted, double heapMb, double rssMb,
                  double serverCpuPct, double redisCpuPct, double generatorCpuPct, double otherCpuPct,
                  double generatorLagMs, String note) {

    JsonObject toJson() {
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("name", name)
                .add("workload", workload)
                .add("nodes", nodes)
                .add("connections", connections)
                .add("target_rate", round(targetRate))
                .add("sent_per_s", round(sentPerS))
                .add("delivered_per_s", round(deliveredPerS))
                .add("p50_ms", round(p50Ms))
                .add("p99_ms", round(p99Ms))
                .add("p999_ms", round(p999Ms))
                .add("max_ms", round(maxMs))
                .add("lost", lost)
                .add("duplicated", duplicated)
                .add("reordered", reordered)
                .add("misrouted", misrouted)
                .add("heap_mb", round(heapMb))
                .add("rss_mb", round(rssMb))
                .add("server_cpu_pct", round(serverCpuPct))
                .add("redis_cpu_pct", round(redisCpuPct))
                .add("generator_cpu_pct", round(generatorCpuPct))
                .add("other_cpu_pct", round(otherCpuPct))
                .add("generator_lag_ms", round(generatorLagMs));
        if (note != null && !note.isEmpty()) {
            b.add("note", note);
        }
        return b.build();
    }

    /** Whether this step is past the knee: p99 over 50 ms, or any message lost or duplicated. */
    boolean pastKnee() {
        return p99Ms > 50 || lost > 0 || duplicated > 0;
    }

    static double round(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return -1;
        }
        return Math.round(v * 100) / 100.0;
    }
}
