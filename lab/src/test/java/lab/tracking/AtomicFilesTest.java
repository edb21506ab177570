package lab.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path tmp;

    @Test
    void replacesContentAndLeavesNoTempFile() throws IOException {
        Path staging = Files.createDirectories(tmp.resolve("run"));
        Path target = staging.resolve("metrics/a/b");
        AtomicFiles.write(target, "one\n".getBytes(StandardCharsets.UTF_8), staging);
        AtomicFiles.write(target, "one\ntwo\n".getBytes(StandardCharsets.UTF_8), staging);
        assertEquals("one\ntwo\n", Files.readString(target));
        assertEquals(List.of(), tempFiles());
    }

    @Test
    void aFailedMoveLeavesTheOldFileAndNoTempFile() throws IOException {
        Path target = Files.createDirectories(tmp.resolve("occupied")); // a non-empty directory
        Files.writeString(target.resolve("keep"), "x");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, new byte[] {1}, tmp));
        assertEquals("x", Files.readString(target.resolve("keep")));
        assertEquals(List.of(), tempFiles());
    }

    @Test
    void copyIsComplete() throws IOException {
        Path src = Files.write(tmp.resolve("src.bin"), new byte[100_000]);
        Path dst = tmp.resolve("dst/copy.bin");
        AtomicFiles.copy(src, dst, tmp);
        assertEquals(100_000, Files.size(dst));
        assertEquals(List.of(), tempFiles());
    }

    private List<Path> tempFiles() throws IOException {
        try (Stream<Path> all = Files.walk(tmp)) {
            return all.filter(p -> p.getFileName().toString().startsWith(AtomicFiles.TEMP_PREFIX)).toList();
        }
    }
}
