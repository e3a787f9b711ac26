package mnist.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * A seeded random-corruption fuzzer of our own (no dependency): {@link Mutator} makes malformed inputs
 * from valid seeds, {@link #run} feeds each to a parser on one worker thread with a deadline and an
 * allocation meter, and checks that every input is either accepted or refused with {@code expected}
 * (our own exception) whose message is one line, {@code "<name>: <problem>"}. Anything else (an
 * unchecked exception, an error such as OutOfMemoryError or StackOverflowError, a hang, a message
 * without the file name, an allocation far beyond the input's size) is a failure: the smallest input
 * still failing the same way is written to {@code target/fuzz-failures/} for the committed corpus.
 *
 * <p>It lives in the test-only module mnist.testkit so that every module's tests share one copy.
 */
public final class Fuzzer {
    private Fuzzer() {
    }

    /** One input and how it was made (for the failure message). */
    public record Case(String how, byte[] bytes) {
    }

    /** Parses one input named {@code name}; must return normally or throw the expected exception. */
    @FunctionalInterface
    public interface Parser {
        void parse(byte[] input, String name) throws Exception;
    }

    /** Interesting 32-bit values for fields that hold sizes and counts. */
    public static final int[] INTERESTING_INTS = {0, 1, 2, 7, 8, 255, 256, 65535, 65536, 0x7FFF, 0x8000,
        1 << 24, (1 << 24) + 1, 2_000_000_000, Integer.MAX_VALUE - 8, Integer.MAX_VALUE - 7, Integer.MAX_VALUE,
        Integer.MIN_VALUE, -1, -2};

    /** Makes malformed inputs from valid seeds, reproducibly from one random seed. */
    public static final class Mutator {
        private final SplittableRandom random;
        private final List<byte[]> seeds;

        public Mutator(long seed, List<byte[]> seeds) {
            this.random = new SplittableRandom(seed);
            this.seeds = seeds;
        }

        public SplittableRandom random() {
            return random;
        }

        /** One to four random mutations of a random seed. */
        public Case next() {
            int s = random.nextInt(seeds.size());
            byte[] b = seeds.get(s);
            StringBuilder how = new StringBuilder("seed ").append(s);
            int n = 1 + random.nextInt(random.nextInt(4) + 1);
            for (int i = 0; i < n; i++) {
                int kind = random.nextInt(11);
                b = mutate(b, kind, how);
            }
            return new Case(how.toString(), b);
        }

        /** Applies mutation {@code kind} to a copy of {@code b}, appending what it did to {@code how}. */
        public byte[] mutate(byte[] b, int kind, StringBuilder how) {
            int len = b.length;
            switch (kind) {
                case 0 -> { // truncate
                    int at = len == 0 ? 0 : random.nextInt(len);
                    how.append(", truncated to ").append(at);
                    return Arrays.copyOf(b, at);
                }
                case 1 -> { // one bit flip
                    if (len == 0) {
                        return b;
                    }
                    byte[] c = b.clone();
                    int at = random.nextInt(len);
                    int bit = random.nextInt(8);
                    c[at] ^= (byte) (1 << bit);
                    how.append(", bit ").append(bit).append(" of byte ").append(at).append(" flipped");
                    return c;
                }
                case 2 -> { // several bit flips
                    if (len == 0) {
                        return b;
                    }
                    byte[] c = b.clone();
                    int flips = 2 + random.nextInt(15);
                    for (int i = 0; i < flips; i++) {
                        c[random.nextInt(len)] ^= (byte) (1 << random.nextInt(8));
                    }
                    how.append(", ").append(flips).append(" bits flipped");
                    return c;
                }
                case 3 -> { // insert bytes
                    int at = random.nextInt(len + 1);
                    int count = 1 + random.nextInt(random.nextBoolean() ? 4 : 64);
                    byte[] inserted = new byte[count];
                    random.nextBytes(inserted);
                    how.append(", ").append(count).append(" bytes inserted at ").append(at);
                    return splice(b, at, at, inserted);
                }
                case 4 -> { // delete bytes
                    if (len == 0) {
                        return b;
                    }
                    int at = random.nextInt(len);
                    int count = Math.min(len - at, 1 + random.nextInt(random.nextBoolean() ? 4 : 64));
                    how.append(", ").append(count).append(" bytes deleted at ").append(at);
                    return splice(b, at, at + count, new byte[0]);
                }
                case 5, 6 -> { // an interesting 32-bit value, either byte order, at a random place
                    if (len < 4) {
                        return b;
                    }
                    byte[] c = b.clone();
                    int at = random.nextInt(len - 3);
                    int v = INTERESTING_INTS[random.nextInt(INTERESTING_INTS.length)];
                    putInt(c, at, v, kind == 5);
                    how.append(", int ").append(v).append(kind == 5 ? " (big-endian)" : " (little-endian)")
                            .append(" at ").append(at);
                    return c;
                }
                case 7 -> { // an interesting byte
                    if (len == 0) {
                        return b;
                    }
                    byte[] c = b.clone();
                    int at = random.nextInt(len);
                    int[] values = {0, 1, 0x7F, 0x80, 0xFF, 0x08, 0x1F, 0x8B, '0', '9', ' ', '#', '\n'};
                    c[at] = (byte) values[random.nextInt(values.length)];
                    how.append(", byte ").append(at).append(" set to ").append(c[at] & 0xFF);
                    return c;
                }
                case 8 -> { // splice: a prefix of this, the suffix of another seed
                    byte[] other = seeds.get(random.nextInt(seeds.size()));
                    int cut = random.nextInt(len + 1);
                    int from = random.nextInt(other.length + 1);
                    how.append(", spliced at ").append(cut).append(" with another seed from ").append(from);
                    return splice(b, cut, len, Arrays.copyOfRange(other, from, other.length));
                }
                case 9 -> { // duplicate a range
                    if (len == 0) {
                        return b;
                    }
                    int from = random.nextInt(len);
                    int to = from + 1 + random.nextInt(len - from);
                    int at = random.nextInt(len + 1);
                    how.append(", bytes ").append(from).append("..").append(to).append(" copied to ").append(at);
                    return splice(b, at, at, Arrays.copyOfRange(b, from, to));
                }
                default -> { // garbage at the end
                    byte[] tail = new byte[1 + random.nextInt(32)];
                    random.nextBytes(tail);
                    how.append(", ").append(tail.length).append(" garbage bytes appended");
                    return splice(b, len, len, tail);
                }
            }
        }
    }

    /** {@code b} with bytes [from, to) replaced by {@code middle}. */
    public static byte[] splice(byte[] b, int from, int to, byte[] middle) {
        byte[] c = new byte[b.length - (to - from) + middle.length];
        System.arraycopy(b, 0, c, 0, from);
        System.arraycopy(middle, 0, c, from, middle.length);
        System.arraycopy(b, to, c, from + middle.length, b.length - to);
        return c;
    }

    public static void putInt(byte[] b, int at, int v, boolean bigEndian) {
        for (int i = 0; i < 4; i++) {
            int shift = bigEndian ? 24 - 8 * i : 8 * i;
            b[at + i] = (byte) (v >>> shift);
        }
    }

    /** Every prefix of {@code seed} shorter than it: truncation at every section boundary and between. */
    public static List<Case> everyTruncation(String what, byte[] seed) {
        List<Case> cases = new ArrayList<>();
        for (int n = 0; n < seed.length; n++) {
            cases.add(new Case(what + " truncated to " + n + " bytes", Arrays.copyOf(seed, n)));
        }
        return cases;
    }

    /** What {@link #run} saw. */
    public record Report(String parser, int cases, int accepted, Map<String, Integer> problems, long maxAllocated,
                         long millis) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%s fuzz: %d cases, %d accepted, %d refused with %d distinct problems, "
                            + "at most %d KB allocated by one case, %d ms",
                    parser, cases, accepted, cases - accepted, problems.size(), maxAllocated / 1024, millis);
        }
    }

    /** Prints the report, and with {@code -Dfuzz.verbose} each distinct problem (numbers as N) and its count. */
    public static void print(Report report) {
        System.out.println(report);
        if (Boolean.getBoolean("fuzz.verbose")) {
            report.problems().forEach((problem, n) -> System.out.println("  " + n + " x " + problem));
        }
    }

    /** Limits of one run: per-case deadline, and allocation allowed as a constant plus a multiple of the input. */
    public record Limits(long deadlineMillis, long allocationBase, long allocationPerByte) {
        public static final Limits DEFAULT = new Limits(5_000, 16L << 20, 2_100);
    }

    /**
     * Runs every case through {@code parser} and fails (AssertionError) at the first case that breaks the
     * contract, after writing its shrunken input to {@code target/fuzz-failures/<parser>/}.
     */
    public static Report run(String parserName, List<Case> cases, Class<? extends Exception> expected,
                             Limits limits, Parser parser) {
        return run(parserName, parserName + "-case-", cases, expected, limits, parser);
    }

    /** As above; input i is named {@code namePrefix + i} (a path prefix, for parsers that read files). */
    public static Report run(String parserName, String namePrefix, List<Case> cases,
                             Class<? extends Exception> expected, Limits limits, Parser parser) {
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-" + parserName);
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        int accepted = 0;
        long maxAllocated = 0;
        Map<String, Integer> problems = new TreeMap<>();
        try {
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                String name = namePrefix + i;
                Outcome outcome = attempt(worker, parser, c.bytes(), name, expected, limits);
                if (outcome.failure() != null) {
                    String why = outcome.failure();
                    byte[] small = shrink(worker, parser, c.bytes(), name, expected, limits, outcome.kind());
                    Path saved = save(parserName, i, small);
                    throw new AssertionError(parserName + " case " + i + " (" + c.how() + ", " + c.bytes().length
                            + " bytes): " + why + "; shrunk to " + small.length + " bytes in " + saved
                            + "; hex " + hex(small), outcome.cause());
                }
                maxAllocated = Math.max(maxAllocated, outcome.allocated());
                if (outcome.problem() == null) {
                    accepted++;
                } else {
                    problems.merge(outcome.problem().replaceAll("0x[0-9A-F]+", "0xN")
                            .replaceAll("starts with \\S+ \\S+,", "starts with XX XX,").replaceAll("-?\\d+", "N"),
                            1, Integer::sum);
                }
            }
        } finally {
            worker.shutdownNow();
        }
        return new Report(parserName, cases.size(), accepted, problems, maxAllocated,
                (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * The outcome of one input: accepted (problem null), refused as expected (problem), or a failure of
     * the contract (failure, and a kind that shrinking must preserve).
     */
    private record Outcome(String problem, long allocated, String failure, String kind, Throwable cause) {
    }

    private static Outcome attempt(ExecutorService worker, Parser parser, byte[] input, String name,
                                   Class<? extends Exception> expected, Limits limits) {
        Future<Outcome> future = worker.submit(() -> {
            long before = allocatedBytes();
            Throwable thrown = null;
            try {
                parser.parse(input, name);
            } catch (Throwable t) {
                thrown = t;
            }
            long allocated = allocatedBytes() - before;
            long allowed = limits.allocationBase() + limits.allocationPerByte() * input.length;
            if (allocated > allowed) {
                return new Outcome(null, allocated, "allocated " + allocated + " bytes for an input of " + input.length
                        + " (allowed " + allowed + ")" + (thrown == null ? "" : ", then threw " + thrown), "allocation", thrown);
            }
            if (thrown == null) {
                return new Outcome(null, allocated, null, null, null);
            }
            if (thrown.getClass() != expected) {
                return new Outcome(null, allocated, "threw " + thrown, thrown.getClass().getName(), thrown);
            }
            String message = thrown.getMessage();
            if (message == null || !message.startsWith(name + ": ") || message.length() <= name.length() + 2) {
                return new Outcome(null, allocated, "message does not name the file and the problem: " + message,
                        "message", thrown);
            }
            if (message.lines().count() != 1 || message.contains("Exception") || message.contains("null")) {
                return new Outcome(null, allocated, "message is not one plain line: " + message, "message", thrown);
            }
            return new Outcome(message.substring(name.length() + 2), allocated, null, null, null);
        });
        try {
            return future.get(limits.deadlineMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return new Outcome(null, 0, "no answer within " + limits.deadlineMillis() + " ms (a hang?)", "hang", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            return new Outcome(null, 0, "the harness failed: " + e.getCause(), "harness", e.getCause());
        }
    }

    /** Deletes ever smaller ranges from {@code input} while it still fails with the same {@code kind}. */
    private static byte[] shrink(ExecutorService worker, Parser parser, byte[] input, String name,
                                 Class<? extends Exception> expected, Limits limits, String kind) {
        if (kind.equals("hang")) {
            return input; // each try could take the whole deadline
        }
        byte[] best = input;
        for (int chunk = Math.max(1, best.length / 2); chunk >= 1; chunk /= 2) {
            for (int at = 0; at + chunk <= best.length; ) {
                byte[] smaller = splice(best, at, at + chunk, new byte[0]);
                Outcome o = attempt(worker, parser, smaller, name, expected, limits);
                if (kind.equals(o.kind())) {
                    best = smaller;
                } else {
                    at += chunk;
                }
            }
        }
        return best;
    }

    private static Path save(String parserName, int index, byte[] input) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "fuzz-failures", parserName));
            return Files.write(dir.resolve("case-" + index + ".bin"), input);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 256); i++) {
            s.append(String.format("%02x", b[i]));
        }
        return b.length > 256 ? s + "..." : s.toString();
    }

    /** Applies {@code fix} to every case (e.g. to repair checksums so that the damage reaches the parser). */
    public static List<Case> fixed(List<Case> cases, String what, UnaryOperator<byte[]> fix) {
        List<Case> out = new ArrayList<>();
        for (Case c : cases) {
            out.add(new Case(c.how() + ", " + what, fix.apply(c.bytes())));
        }
        return out;
    }

    private static final Method ALLOCATED;
    private static final Object THREADS;

    static {
        try {
            THREADS = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            ALLOCATED = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Bytes the current thread has allocated, from HotSpot's ThreadMXBean (see AllocatedBytes). */
    public static long allocatedBytes() {
        try {
            return (long) ALLOCATED.invoke(THREADS);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
