package mnist.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code mnist train --profile}: the steps it counts are the batches of the epochs after the first, and
 * its table adds up: the top-level rows and "outside the kernels" make the time of a step, and the
 * shares 100%; a split's part-0 kernels are listed under it, not counted twice.
 */
class ProfileTest {

    @Test
    void theProfileCountsTheStepsAndAddsUp() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"train", "--epochs", "2", "--hidden", "32", "--batch", "256",
                        "--validation", "1000", "--threads", "2", "--progress", "never", "--profile"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        Matcher head = Pattern.compile("Where the time goes \\(.*\\): ([\\d,]+) steps, ([\\d.]+) us a step").matcher(text);
        assertTrue(head.find(), text);
        int batches = (60_000 - 1_000 + 255) / 256;
        assertEquals(batches, Integer.parseInt(head.group(1).replace(",", "")), "the steps of epoch 2");
        double step = Double.parseDouble(head.group(2));

        // rows: name, calls/step, us/call, us/step, share%
        Pattern row = Pattern.compile("^(\\s+)(.+?)\\s+(?:([\\d.]+)\\s+([\\d.]+)\\s+)?([\\d.]+)\\s+([\\d.]+)%$", Pattern.MULTILINE);
        String table = text.substring(head.end());
        table = table.substring(0, table.indexOf("outside the kernels") + 200);
        Matcher m = row.matcher(table);
        double usSum = 0, shareSum = 0;
        int splits = 0, parts = 0;
        while (m.find()) {
            boolean indented = m.group(1).length() > 2;
            String name = m.group(2);
            if (indented) {
                assertTrue(name.startsWith("part 0: "), name);
                parts++;
                continue;
            }
            splits += name.startsWith("split in 2") ? 1 : 0;
            usSum += Double.parseDouble(m.group(5));
            shareSum += Double.parseDouble(m.group(6));
        }
        assertTrue(splits >= 3, "the gather, rows and outputs splits: " + table);
        assertTrue(parts >= 5, "part 0's kernels under the splits: " + table);
        assertEquals(step, usSum, 0.01 * step + 0.5, "the rows and what is outside them make a step: " + table);
        assertEquals(100, shareSum, 1.0, "the shares: " + table);
    }
}
