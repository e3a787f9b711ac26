package mnist.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command's flags against bad values, table-driven and in-process: each row must end with exit code
 * 2, one line naming the flag and the problem, and a second line pointing to the command's --help, before
 * any data is loaded or any model is read.
 */
class FlagsTest {
    @TempDir
    Path dir;

    /** Args, the text the error line must contain, and the command whose --help the second line names. */
    private record Row(List<String> args, String expected, String help) {
    }

    private static Row row(String expected, String help, String... args) {
        return new Row(List.of(args), expected, help);
    }

    private List<Row> table() throws IOException {
        Path existingDir = Files.createDirectories(dir.resolve("a-directory"));
        String missingParent = dir.resolve("no/such/dir/out.bin").toString();
        String train = "mnist train", show = "mnist show", evaluate = "mnist evaluate", predict = "mnist predict";
        List<Row> rows = new ArrayList<>(List.of(
                // unknown names, duplicates, shapes of arguments
                row("unknown command 'trian'", "mnist", "trian"),
                row("--version takes no arguments, got 'extra'", "mnist", "--version", "extra"),
                row("unknown option --epoch (did you mean --epochs?)", train, "train", "--epoch", "3"),
                row("unknown option --nonsense", train, "train", "--nonsense"),
                row("--epochs is given twice", train, "train", "--epochs", "3", "--epochs=4"),
                row("--help takes no value", train, "train", "--help=yes"),
                row("unexpected argument '-e'", train, "train", "-e", "3"),
                row("unexpected argument '--'", train, "train", "--"),
                row("--epochs needs a value", train, "train", "--epochs"),
                // empty values
                row("--epochs needs a value, got an empty one", train, "train", "--epochs="),
                row("--lr needs a value, got an empty one", train, "train", "--lr", ""),
                row("--data needs a value, got an empty one", train, "train", "--data="),
                row("--save needs a value, got an empty one", train, "train", "--save="),
                row("--model needs a value, got an empty one", train, "train", "--model", " "),
                row("--hidden needs a value, got an empty one", train, "train", "--hidden="),
                // whole numbers: types, ranges, huge, negative zero, other digits
                row("--epochs must be a whole number, got '1.5'", train, "train", "--epochs", "1.5"),
                row("--epochs must be a whole number, got '1e3'", train, "train", "--epochs", "1e3"),
                row("--epochs must be a whole number, got '\u0663'", train, "train", "--epochs", "\u0663"),
                row("--epochs must be between 1 and 1000000, got 0", train, "train", "--epochs", "-0"),
                row("--epochs must be between 1 and 1000000, got 99999999999", train, "train", "--epochs", "99999999999"),
                row("--epochs must be between 1 and 1000000, got 99999999999999999999999", train,
                        "train", "--epochs", "99999999999999999999999"),
                row("--seed must be between 0 and 4294967295, got 4294967296", train, "train", "--seed", "4294967296"),
                row("--seed must be between 0 and 4294967295, got -1", train, "train", "--seed", "-1"),
                row("--threads must be between 1 and 1024, got 1025", train, "train", "--threads", "1025"),
                row("--batch must be between 1 and 60000, got 60001", train, "train", "--batch", "60001"),
                row("--validation must be between 0 and 59000, got -1", train, "train", "--validation", "-1"),
                row("--show-index must be between 0 and 2147483647, got -1", train, "train", "--show-index", "-1"),
                row("--digit must be between 0 and 9, got 10", train, "train", "--model", "logistic", "--digit", "10"),
                row("--hidden must be between 1 and 65536, got 0", train, "train", "--model", "hidden", "--hidden", "0"),
                // real numbers: NaN, infinities, negative zero, other spellings
                row("--lr must be a positive number, got 'NaN'", train, "train", "--lr", "NaN"),
                row("--lr must be a positive number, got 'Infinity'", train, "train", "--lr", "Infinity"),
                row("--lr must be a positive number, got '-Infinity'", train, "train", "--lr", "-Infinity"),
                row("--lr must be a positive number, got '1e40'", train, "train", "--lr", "1e40"),
                row("--lr must be a positive number, got '-0'", train, "train", "--lr", "-0"),
                row("--lr must be a positive number, got '0'", train, "train", "--lr", "0"),
                row("--lr must be a number, got '0x1p-3'", train, "train", "--lr", "0x1p-3"),
                row("--lr must be a number, got '1f'", train, "train", "--lr", "1f"),
                row("--lr must be a number, got 'fast'", train, "train", "--lr", "fast"),
                row("--weight-decay must be 0 or more, got NaN", train, "train", "--weight-decay", "NaN"),
                row("--weight-decay must be 0 or more, got Infinity", train, "train", "--weight-decay", "Infinity"),
                row("--weight-decay must be 0 or more, got -1e-9", train, "train", "--weight-decay", "-1e-9"),
                row("--momentum must be at least 0 and below 1, got NaN", train,
                        "train", "--optimizer", "momentum", "--momentum", "NaN"),
                row("--momentum must be at least 0 and below 1, got 1.0", train,
                        "train", "--optimizer", "momentum", "--momentum", "1.0"),
                // lists and names
                row("at most 16 hidden layers, got 17", train, "train", "--hidden", "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1"),
                row("layer widths must be between 1 and 65536", train, "train", "--hidden", "65537"),
                row("expected layer widths like 256,128, got '256,,128'", train, "train", "--hidden", "256,,128"),
                row("unknown model 'm.bin'", train, "train", "--model", "m.bin"),
                row("--backend: unknown backend 'SIMD '", train, "train", "--backend", "SIMD "),
                // conflicting options
                row("--batch does not apply to --model softmax", train, "train", "--model", "softmax", "--batch", "10"),
                row("--digit applies to the binary models", train, "train", "--model", "softmax", "--digit", "1"),
                row("--momentum applies to --optimizer momentum only", train, "train", "--momentum", "0.5"),
                row("--hidden does not apply to logistic", train, "train", "--model", "logistic", "--hidden", "3"),
                // output paths: directories, missing parents
                row("--save " + existingDir + ": is a directory", train, "train", "--save", existingDir.toString()),
                row("--metrics-out " + existingDir + ": is a directory", train, "train", "--metrics-out", existingDir.toString()),
                row("does not exist", train, "train", "--save", missingParent),
                row("does not exist", train, "train", "--metrics-out", missingParent),
                row("--save and --metrics-out name the same file", train, "train", "--save", dir.resolve("x").toString(),
                        "--metrics-out", dir.resolve("x").toString()),
                row("--lr cannot change on --resume", train, "train", "--resume", dir.resolve("none.ck").toString(), "--lr", "1"),
                // show
                row("--index is required", show, "show"),
                row("--index must be between 0 and 2147483647, got -1", show, "show", "--index", "-1"),
                row("--index must be a whole number, got 'first'", show, "show", "--index", "first"),
                row("--split: expected train or test, got 'validation'", show, "show", "--index", "0", "--split", "validation"),
                row("--split needs a value, got an empty one", show, "show", "--index", "0", "--split="),
                row("--index is given twice", show, "show", "--index", "1", "--index", "2"),
                // evaluate
                row("--model FILE is required", evaluate, "evaluate"),
                row("--model needs a value, got an empty one", evaluate, "evaluate", "--model="),
                row("--threads must be between 1 and 1024, got 0", evaluate, "evaluate", "--model", "m.bin", "--threads", "0"),
                row("--backend: unknown backend 'gpu'", evaluate, "evaluate", "--model", "m.bin", "--backend", "gpu"),
                row("unknown option --index", evaluate, "evaluate", "--model", "m.bin", "--index", "3"),
                // predict
                row("--model FILE is required", predict, "predict", "digit.png"),
                row("nothing to classify", predict, "predict", "--model", "m.bin"),
                row("--data applies only with --index", predict, "predict", "--model", "m.bin", "--data", "d", "x.png"),
                row("--index must be between 0 and 2147483647, got -1", predict, "predict", "--model", "m.bin", "--index", "-1"),
                row("--json takes no value", predict, "predict", "--model", "m.bin", "--json=yes", "x.png"),
                row("--backend: unknown backend 'gpu'", predict, "predict", "--model", "m.bin", "--backend", "gpu", "x.png")));
        return rows;
    }

    @Test
    void everyBadFlagIsOneLineNamingItWithAPointerToHelpAndExitCodeTwo() throws IOException {
        List<Row> rows = table();
        List<String> failures = new ArrayList<>();
        long start = System.nanoTime();
        for (Row row : rows) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Main.run(row.args().toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            String text = err.toString(StandardCharsets.UTF_8);
            List<String> lines = text.lines().toList();
            boolean ok = code == 2 && lines.size() == 2 && lines.get(0).startsWith("mnist: ")
                    && lines.get(0).contains(row.expected()) && lines.get(1).equals("Try '" + row.help() + " --help'.")
                    && out.size() == 0;
            if (!ok) {
                failures.add(row.args() + " -> exit " + code + ", stderr: " + text.strip() + (out.size() > 0
                        ? ", stdout: " + out.toString(StandardCharsets.UTF_8).strip() : "") + "; expected: " + row.expected());
            }
        }
        System.out.printf("flags: %d bad command lines, each refused in one line with exit code 2 (%d ms)%n",
                rows.size(), (System.nanoTime() - start) / 1_000_000);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void negativeZeroIsZeroWhereZeroIsAllowed() throws UsageException {
        Options options = Options.parse("mnist train", new String[] {"--weight-decay", "-0", "--seed=-0"},
                java.util.Set.of("weight-decay", "seed"), java.util.Set.of());
        assertEquals(0, Float.floatToRawIntBits(options.nonNegativeNumber("weight-decay")), "+0, not -0");
        assertEquals(0, options.longInteger("seed", 1, 0, 10));
    }
}
