package mnist.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mnist bench} on tiny shapes: its output and its JSON, never its speed. */
class BenchCommandTest {

    private static Cli run(String... args) {
        return Cli.run(args);
    }

    @Test
    void tinyRunPrintsOneLinePerBenchmarkAndWritesJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        Cli r = run("bench", "--shapes", "tiny", "--repeats", "3", "--min-time", "1", "--warmup", "1",
                "--threads", "2", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        Matcher header = Pattern.compile("mnist bench: (\\d+) benchmarks \\(tiny shapes\\), simd and scalar, 2 threads").matcher(r.out());
        assertTrue(header.find(), r.out());
        int benchmarks = Integer.parseInt(header.group(1));
        long lines = r.out().lines().filter(l -> l.matches("(gemm|elemwise|reduce|train|conv) .*\\d+\\.\\d+x.*")).count();
        assertEquals(benchmarks, lines, r.out());
        assertTrue(r.out().contains("forward x·wT+b"), r.out());
        assertTrue(r.out().contains("step 40-16-10"), r.out());
        assertTrue(r.out().contains("input grad") && r.out().contains("2x8x8x3 -> 4 k3 same"), r.out());
        assertTrue(r.out().contains("Results written to " + json), r.out());

        String text = Files.readString(json);
        assertTrue(text.startsWith("{") && text.strip().endsWith("}"), text);
        assertEquals(benchmarks, count(text, "\"simd_over_scalar\": "), text);
        assertEquals(benchmarks, count(text, "\"simd\": {"), text);
        assertEquals(benchmarks, count(text, "\"scalar\": {"), text);
        assertTrue(text.contains("\"threads\": 2"), text);
        assertTrue(text.contains("\"median_rate\": "), text);
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void oneBackend() {
        Cli r = run("bench", "--shapes", "tiny", "--backend", "scalar", "--repeats", "1", "--min-time", "0", "--warmup", "0", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("shapes), scalar, 1 thread, "), r.out());
    }

    @Test
    void badFlagsAreOneLineAndExitTwo() {
        for (String[] args : new String[][] {
                {"bench", "--shapes", "huge"}, {"bench", "--repeats", "0"}, {"bench", "--threads", "x"},
                {"bench", "--backend", "gpu"}, {"bench", "--json", "/no/such/dir/b.json"}, {"bench", "--repeat", "3"}}) {
            Cli r = run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("mnist: "), r.err());
            assertEquals(2, r.err().lines().count(), r.err());
        }
        Cli help = run("bench", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--shapes SET") && help.out().contains("--json FILE"), help.out());
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
