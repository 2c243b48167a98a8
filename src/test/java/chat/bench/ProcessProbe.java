package chat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a process's CPU time, resident memory and (for a JVM) heap from outside, as Linux shows them. */
final class ProcessProbe {

    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux
    private static final Pattern G1_USED = Pattern.compile("garbage-first heap\\s+total \\d+K, used (\\d+)K");
    private static final Pattern ANY_USED = Pattern.compile("used (\\d+)K");

    private ProcessProbe() {
    }

    /** User + system CPU seconds the process has used so far; 0 when it is gone. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND; // fields 14 and 15
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Busy and total CPU seconds of the whole machine (all cores), from /proc/stat. */
    static double[] machineCpuSeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new double[]{(total - idle) / TICKS_PER_SECOND, total / TICKS_PER_SECOND};
        } catch (IOException | RuntimeException e) {
            return new double[]{0, 0};
        }
    }

    /** How many file descriptors the process holds open (sockets among them); -1 when it cannot be read. */
    static int openFiles(long pid) {
        try (var fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            return (int) fds.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static double rssMb(long pid) {
        return status(pid, "VmRSS:") / 1024.0;
    }

    /** How many threads the process runs now. */
    static int threads(long pid) {
        return (int) status(pid, "Threads:");
    }

    /** A number of /proc/PID/status (NaN when it cannot be read). */
    private static double status(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return Double.NaN;
    }

    /**
     * Heap in use now (MB), or after a full collection when {@code collectFirst}: the live heap. NaN
     * for a process that is not a JVM: jcmd attaches by sending SIGQUIT, which ends a Node.js
     * process on the spot (the seed's server died at the end of the first step this way, and every
     * socket of its run closed with 1006).
     */
    static double heapMb(long pid, boolean collectFirst) {
        boolean jvm = ProcessHandle.of(pid).flatMap(h -> h.info().command())
                .map(command -> Path.of(command).getFileName().toString().startsWith("java")).orElse(false);
        if (!jvm) {
            return Double.NaN;
        }
        if (collectFirst) {
            jcmd(pid, "GC.run");
        }
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = G1_USED.matcher(info);
        if (!m.find()) {
            m = ANY_USED.matcher(info);
            if (!m.find()) {
                return Double.NaN;
            }
        }
        return Long.parseLong(m.group(1)) / 1024.0;
    }

    /** The live heap's classes by size, as {@code jcmd GC.class_histogram} prints them (it collects first): its first {@code lines} lines. */
    static String histogram(long pid, int lines) {
        return String.join("\n", jcmd(pid, "GC.class_histogram").lines().limit(lines).toList()) + "\n";
    }

    private static String jcmd(long pid, String command) {
        try {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process p = new ProcessBuilder(List.of(Files.exists(jcmd) ? jcmd.toString() : "jcmd", String.valueOf(pid), command))
                    .redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            p.waitFor(30, TimeUnit.SECONDS);
            return new String(out);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
