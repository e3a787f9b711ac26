package mnist.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mnist.data.idx.IdxArray;

/**
 * A SHA256SUMS file as {@code sha256sum} writes it: one {@code <64 hex digits>  <file name>} a line
 * ({@code " *"} instead of two spaces in binary mode). For IDX files it lists the unpacked content.
 */
final class Sha256Sums {
    static final String FILE_NAME = "SHA256SUMS";
    private static final Pattern LINE = Pattern.compile("([0-9a-fA-F]{64}) [ *](.+)");

    private final String source;
    private final Map<String, String> digestByName;

    private Sha256Sums(String source, Map<String, String> digestByName) {
        this.source = source;
        this.digestByName = digestByName;
    }

    /** Parses the list read from {@code in}; {@code source} names it in messages. */
    static Sha256Sums parse(InputStream in, String source) throws DatasetException {
        Map<String, String> digestByName = new LinkedHashMap<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            for (int number = 1; (line = reader.readLine()) != null; number++) {
                if (line.isBlank()) {
                    continue;
                }
                Matcher match = LINE.matcher(line.strip());
                if (!match.matches()) {
                    throw new DatasetException(source,
                            "line " + number + " is not '<sha256>  <file name>': " + line);
                }
                digestByName.put(match.group(2), match.group(1).toLowerCase());
            }
        } catch (DatasetException e) {
            throw e;
        } catch (IOException e) {
            throw new DatasetException(source, "cannot read: " + e, e);
        }
        return new Sha256Sums(source, digestByName);
    }

    /** Reads the list at {@code file}. */
    static Sha256Sums read(Path file) throws DatasetException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (DatasetException e) {
            throw e;
        } catch (IOException e) {
            throw new DatasetException(file.toString(), "cannot read: " + e, e);
        }
    }

    /** The digest listed for {@code fileName}, if any. */
    Optional<String> digestOf(String fileName) {
        return Optional.ofNullable(digestByName.get(fileName));
    }

    /** Checks the unpacked content of {@code idx} against the entry for {@code listedName}, if listed. */
    void verifyContent(IdxArray idx, String listedName) throws DatasetException {
        Optional<String> expected = digestOf(listedName);
        if (expected.isPresent()) {
            MessageDigest sha = sha256();
            sha.update(idx.header());
            sha.update(idx.values());
            compare(idx.name(), "unpacked content", expected.get(), sha.digest());
        }
    }

    /** Checks the bytes of {@code file} as stored (e.g. still gzipped) against its entry, if listed. */
    void verifyFile(Path file) throws DatasetException {
        Optional<String> expected = digestOf(file.getFileName().toString());
        if (expected.isPresent()) {
            MessageDigest sha = sha256();
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                }
            } catch (IOException e) {
                throw new DatasetException(file.toString(), "cannot read: " + e, e);
            }
            compare(file.toString(), "file", expected.get(), sha.digest());
        }
    }

    private void compare(String name, String what, String expected, byte[] actual) throws DatasetException {
        String actualHex = HexFormat.of().formatHex(actual);
        if (!actualHex.equals(expected)) {
            throw new DatasetException(name, "SHA-256 mismatch: " + what + " has " + actualHex
                    + ", " + source + " lists " + expected);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
