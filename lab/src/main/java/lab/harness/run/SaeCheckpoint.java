package lab.harness.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import lab.sae.SaeFolder;
import lab.sae.SparseAutoencoder;

/**
 * Replaces an SAE folder whole: written beside it, then renamed into place, so that a run stopped
 * at any moment leaves a complete folder (the new one, or the previous one as {@code NAME.old}).
 */
final class SaeCheckpoint {

    private SaeCheckpoint() {
    }

    static void replace(SparseAutoencoder sae, float[] log10Sparsity, Path target) throws IOException {
        Path fresh = target.resolveSibling(target.getFileName() + ".tmp");
        Path old = target.resolveSibling(target.getFileName() + ".old");
        deleteTree(fresh);
        SaeFolder.write(sae, fresh, log10Sparsity);
        deleteTree(old);
        if (Files.exists(target)) {
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
