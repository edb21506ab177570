package lab.harness.provenance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A file's SHA-256, computed by streaming (constant memory, any size).
 *
 * @param path the path as recorded (relative to the model directory for model files)
 * @param bytes the file's size
 * @param sha256 lower-case hex
 */
public record FileDigest(String path, long bytes, String sha256) {

    public static FileDigest of(Path file, String recordedPath) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        byte[] buffer = new byte[1 << 20];
        long total = 0;
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
                total += n;
            }
        }
        return new FileDigest(recordedPath, total, HexFormat.of().formatHex(digest.digest()));
    }

    public static FileDigest of(Path file) throws IOException {
        return of(file, file.toString());
    }
}
