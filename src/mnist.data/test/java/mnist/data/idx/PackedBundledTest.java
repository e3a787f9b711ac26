package mnist.data.idx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The bundled packed training images against the original gzipped file, which the repository keeps in
 * {@code src/mnist.dataset/source/} (not in the jar). After a change of the format or the coder, regenerate
 * the packed file with {@link PackedImages#main} (its comment has the command).
 */
class PackedBundledTest {
    private static final Path DATASET = Path.of(System.getProperty("basedir", ".")).resolve("../mnist.dataset");
    static final Path ORIGINAL = DATASET.resolve("source/train-images-idx3-ubyte.gz");
    private static final Path COMMITTED = DATASET.resolve("main/resources/mnist/dataset/train-images-idx3-ubyte.packed");

    private static byte[] bundledPacked() throws IOException {
        try (InputStream in = ClassLoader.getSystemResourceAsStream("mnist/dataset/train-images-idx3-ubyte.packed")) {
            if (in == null) {
                throw new java.io.FileNotFoundException("the packed training images are not on the class path");
            }
            return in.readAllBytes();
        }
    }

    @Test
    void theBundledFileIsTheOriginalPackedByTheCoderAsItIsNow() throws IOException, NoSuchAlgorithmException {
        IdxArray original = IdxReader.read(ORIGINAL);
        byte[] packed = bundledPacked();
        assertArrayEquals(Files.readAllBytes(COMMITTED), packed, "the jar's copy is the committed file");
        IdxArray unpacked = PackedImages.read(new java.io.ByteArrayInputStream(packed), "bundled");
        assertArrayEquals(original.shape(), unpacked.shape());
        assertArrayEquals(original.values(), unpacked.values());
        // the MNIST file, by the SHA-256 that SHA256SUMS lists for it
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(unpacked.header());
        sha.update(unpacked.values());
        String sums;
        try (InputStream in = ClassLoader.getSystemResourceAsStream("mnist/dataset/SHA256SUMS")) {
            sums = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        }
        assertEquals(true, sums.contains(HexFormat.of().formatHex(sha.digest()) + "  train-images-idx3-ubyte\n"), sums);
        // reproducible: the encoder makes the committed file from the original, byte for byte
        byte[] again = PackedImages.pack(original, PackedImages.CHUNK_IMAGES);
        assertArrayEquals(packed, again, "the committed file is not what the coder makes now: regenerate it (PackedImages.main)");
        System.out.printf("OK, %s: %d bytes packed, %d gzipped, %d unpacked%n", COMMITTED.getFileName(), packed.length,
                Files.size(ORIGINAL), original.length() + original.header().length);
    }
}
