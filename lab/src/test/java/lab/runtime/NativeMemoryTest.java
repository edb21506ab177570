package lab.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * 1300 forwards in a row, with hooks, patching and caching, leave no arrays behind in the model's
 * or the caller's manager, and the process's resident memory does not grow after warm-up.
 */
class NativeMemoryTest {

    @Test
    void thousandForwardsHoldNoMoreMemoryThanOne() throws IOException {
        try (HookedTransformer model = Fixtures.load("pythia-tiny"); NDManager caller = NDManager.newBaseManager()) {
            NDArray tokens = model.tokens(caller, new long[] {3, 14, 15, 92, 65, 35, 89, 79, 32, 38}, new long[] {2, 71, 82, 81, 82, 84, 59, 4, 52, 35});
            NDArray source = model.run(caller, tokens, RunOptions.defaults().stopAt(1)).output();
            int modelArrays = model.weights().manager().getManagedArrays().size();
            int callerArrays = caller.getManagedArrays().size();
            long rssAfterWarmup = 0;
            for (int i = 0; i < 1300; i++) {
                RunOptions options = RunOptions.defaults()
                        .caching(Pattern.compile("blocks\\.1\\.attn\\.hook_pattern"))
                        .withHooks(Hook.replacingRows("blocks.0.attn.hook_z", new int[] {i % 2}, Interventions.zeroHead(i % 4)),
                                Hook.replacing("blocks.1.hook_resid_pre", Interventions.patchPositions(source, i % 10)));
                try (ForwardResult r = model.run(caller, tokens, options)) {
                    assertEquals(2, r.output().getShape().get(0));
                }
                if (i == 299) {
                    rssAfterWarmup = residentKbAfterGc();
                }
            }
            assertEquals(modelArrays, model.weights().manager().getManagedArrays().size(), "arrays left in the model's manager");
            assertEquals(callerArrays, caller.getManagedArrays().size(), "arrays left in the caller's manager");
            long growthKb = residentKbAfterGc() - rssAfterWarmup;
            // one forward's activations here are ~250 kB, so 1000 leaked forwards would hold ~250 MB; the
            // bound leaves room for JIT code and allocator arenas that other tests in this JVM warm up
            assertTrue(growthKb < 64 * 1024, "resident memory grew by " + growthKb + " kB over 1000 forwards");
        }
    }

    /**
     * Resident memory after a GC: DJL hands small arrays to libtorch in direct ByteBuffers that
     * only a GC frees, and the JVM's young generation adds resident pages as it is first touched
     * (surefire runs tests with a small -Xmn so that happens during warm-up).
     */
    private static long residentKbAfterGc() throws IOException {
        System.gc();
        System.gc();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }
}
