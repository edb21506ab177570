package lab.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The forward's shortcuts against the plain forward on the same inputs: the last block computed
 * at the unembedded positions only (keys and values still over every position), a block resumed
 * at a cached hook_z, and the logits of chosen tokens only. Every family's fixture: learned and rotary positions, parallel residual,
 * gated MLP, grouped key/value heads, local and sliding windows.
 */
class ShortcutForwardTest {

    private static final long[][] ROWS = {{1, 5, 9, 2, 7, 3, 8}, {4, 4, 8, 1, 0, 6, 2}};

    /** Tolerance: the same operations on fewer rows; a matmul may add in another order. */
    private static final double CLOSE = 1e-5;

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "pythia-tiny", "llama-tiny", "gptneo-tiny", "mistral-sharp"})
    void unembeddedPositionsAloneGiveTheFullForwardsLogitsThere(String fixture) {
        try (HookedTransformer model = Fixtures.load(fixture); NDManager m = NDManager.newBaseManager()) {
            NDArray tokens = model.tokens(m, ROWS);
            NDArray full = model.logits(m, tokens);
            // the last position; answer positions (a consecutive tail); positions out of order, repeated
            for (int[] read : new int[][] {{-1}, {4, 5, 6}, {-1, 1, 1}}) {
                NDArray expected = pick(m, full, read);
                NDArray narrowed = model.run(m, tokens, RunOptions.defaults().unembedOnly(read)).output();
                assertClose(expected, narrowed, fixture + " positions " + java.util.Arrays.toString(read));
                NDArray forced = model.run(m, tokens, RunOptions.defaults().unembedOnly(read).narrowingLastBlock()).output();
                assertClose(expected, forced, fixture + " forced, positions " + java.util.Arrays.toString(read));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "pythia-tiny", "llama-tiny"})
    void chosenLogitsAreThoseColumnsOfTheFullLogits(String fixture) {
        try (HookedTransformer model = Fixtures.load(fixture); NDManager m = NDManager.newBaseManager()) {
            NDArray tokens = model.tokens(m, ROWS);
            NDArray full = model.logits(m, tokens);
            long last = model.config().vocabSize() - 1;
            for (long[] chosen : new long[][] {{5, 3}, {last}, {7, 0, 7}}) {
                List<NDArray> columns = new ArrayList<>();
                for (long t : chosen) {
                    columns.add(full.get(new NDIndex(":, :, {}:{}", t, t + 1)));
                }
                NDArray expected = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(columns), 2);
                assertClose(expected, model.run(m, tokens, RunOptions.defaults().logitsOf(chosen)).output(),
                        fixture + " tokens " + java.util.Arrays.toString(chosen));
            }
            var outside = assertThrows(IllegalArgumentException.class,
                    () -> model.run(m, tokens, RunOptions.defaults().logitsOf(3, last + 1)));
            assertTrue(outside.getMessage().contains("outside the vocabulary"), outside.getMessage());
        }
    }

    @Test
    void pointsThatAreReadKeepEveryPositionUnlessNarrowingIsAskedFor() {
        try (HookedTransformer model = Fixtures.load("gpt2-tiny"); NDManager m = NDManager.newBaseManager()) {
            int last = model.config().nLayers() - 1;
            String residPost = "blocks." + last + ".hook_resid_post";
            String keys = "blocks." + last + ".attn.hook_k";
            NDArray tokens = model.tokens(m, ROWS);
            try (ForwardResult r = model.run(m, tokens, RunOptions.defaults().unembedOnly(-1).caching(residPost, keys))) {
                assertEquals(new Shape(2, 7, model.config().dModel()), r.cache().get(residPost).getShape());
            }
            List<Shape> seen = new ArrayList<>();
            RunOptions forced = RunOptions.defaults().unembedOnly(-1).caching(keys).narrowingLastBlock()
                    .withHooks(Hook.reading(residPost, x -> seen.add(x.getShape())));
            try (ForwardResult r = model.run(m, tokens, forced)) {
                assertEquals(List.of(new Shape(2, 1, model.config().dModel())), seen, "resid_post at the last position");
                assertEquals(7, r.cache().get(keys).getShape().get(1), "keys cover every position");
                assertEquals(new Shape(2, 1, model.config().vocabSize()), r.output().getShape());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "llama-tiny"})
    void hookNamesSayWhichAxisANarrowedBlockHoldsTheChosenQueriesOn(String fixture) {
        try (HookedTransformer model = Fixtures.load(fixture); NDManager m = NDManager.newBaseManager()) {
            HookNames names = model.hookNames();
            int last = model.config().nLayers() - 1;
            RunOptions narrowed = RunOptions.defaults().unembedOnly(-1).narrowingLastBlock().cachingAll();
            try (ForwardResult r = model.run(m, model.tokens(m, ROWS), narrowed)) {
                for (String name : names.block(last)) {
                    Shape shape = r.cache().get(name).getShape();
                    int axis = names.queryAxis(name);
                    if (axis < 0) {
                        assertEquals(7, shape.get(1),
                                fixture + " " + name + " holds every position");
                    } else {
                        assertEquals(1, shape.get(axis), fixture + " " + name + " holds the last query on axis " + axis);
                        for (int other = 1; other < shape.dimension(); other++) {
                            assertTrue(other == axis || shape.get(other) != 1, fixture + " " + name + " " + shape);
                        }
                    }
                }
                assertEquals(1, names.queryAxis("ln_final.hook_normalized"));
                assertEquals(1, r.cache().get("ln_final.hook_normalized").getShape().get(1));
            }
            boolean rotary = model.config().positional() == ModelConfig.Positional.ROTARY;
            assertEquals(rotary ? -1 : 1, names.queryAxis("blocks." + last + ".attn.hook_q"));
            // a hook on a point that holds every position sees every position in a narrowed block, and acts as in the full forward
            String q = "blocks." + last + ".attn." + (rotary ? "hook_rot_q" : "hook_k");
            List<Shape> seen = new ArrayList<>();
            Hook scale = Hook.replacing(q, x -> {
                seen.add(x.getShape());
                return x.mul(x.getManager().create(1.5f));
            });
            NDArray tokens = model.tokens(m, ROWS);
            NDArray expected = pick(m, model.run(m, tokens, RunOptions.defaults().withHooks(scale)).output(), new int[] {-1});
            for (RunOptions narrow : List.of(RunOptions.defaults().unembedOnly(-1), RunOptions.defaults().unembedOnly(-1).narrowingLastBlock())) {
                seen.clear();
                assertClose(expected, model.run(m, tokens, narrow.withHooks(scale)).output(), fixture + " hooked " + q);
                assertEquals(7, seen.get(0).get(1), fixture + " " + q + " at every position");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "pythia-tiny", "llama-tiny", "gptneo-tiny"})
    void aBlockResumedAtACachedZIsTheFullHookedForward(String fixture) {
        try (HookedTransformer model = Fixtures.load(fixture); NDManager m = NDManager.newBaseManager()) {
            NDArray tokens = model.tokens(m, ROWS);
            int layers = model.config().nLayers();
            for (int layer : new int[] {0, layers - 1}) {
                String zName = "blocks." + layer + ".attn.hook_z";
                String residName = "blocks." + layer + ".hook_resid_pre";
                Hook ablate = Hook.replacing(zName, Interventions.scaleHeads(2, Map.of(1, 0.0, 0, 0.5)));
                ForwardResult clean = model.run(m, tokens, RunOptions.defaults().caching(zName, residName));
                for (int[] read : new int[][] {null, {-1}}) {
                    RunOptions plain = RunOptions.defaults().withHooks(ablate);
                    RunOptions resumed = RunOptions.defaults().resumingAtZ(layer, clean.cache().get(zName)).withHooks(ablate);
                    if (read != null) {
                        plain = plain.unembedOnly(read);
                        resumed = resumed.unembedOnly(read);
                    }
                    NDArray expected = model.run(m, tokens, plain).output();
                    NDArray actual = model.run(m, clean.cache().get(residName), resumed).output();
                    assertClose(expected, actual, fixture + " resumed at layer " + layer + (read == null ? "" : ", last position"));
                    assertTrue(expected.sub(clean.output()).abs().max().getFloat() > 1e-4, "the ablation changes the logits");
                }
            }
        }
    }

    @Test
    void resumingAtZRefusesWhatItWouldNotCompute() {
        try (HookedTransformer model = Fixtures.load("gpt2-tiny"); NDManager m = NDManager.newBaseManager()) {
            NDArray tokens = model.tokens(m, ROWS);
            ForwardResult clean = model.run(m, tokens, RunOptions.defaults().caching("blocks.1.attn.hook_z", "blocks.1.hook_resid_pre"));
            NDArray z = clean.cache().get("blocks.1.attn.hook_z");
            NDArray resid = clean.cache().get("blocks.1.hook_resid_pre");
            var hooked = assertThrows(IllegalArgumentException.class, () -> model.run(m, resid,
                    RunOptions.defaults().resumingAtZ(1, z).caching("blocks.1.attn.hook_pattern")));
            assertTrue(hooked.getMessage().contains("does not compute blocks.1.attn.hook_pattern"), hooked.getMessage());
            var shape = assertThrows(IllegalArgumentException.class, () -> model.run(m, resid,
                    RunOptions.defaults().resumingAtZ(1, z.get(new NDIndex("0:1")))));
            assertTrue(shape.getMessage().contains("hook_z to resume at is"), shape.getMessage());
            var ids = assertThrows(IllegalArgumentException.class, () -> model.run(m, tokens,
                    RunOptions.defaults().resumingAtZ(0, z)));
            assertTrue(ids.getMessage().contains("needs the residual"), ids.getMessage());
            // a hook upstream of z in the resumed block would change the residual but not the cached z
            var residHook = assertThrows(IllegalArgumentException.class, () -> model.run(m, resid,
                    RunOptions.defaults().resumingAtZ(1, z).withHooks(Hook.replacing("blocks.1.hook_resid_pre", x -> x.mul(2)))));
            assertTrue(residHook.getMessage().contains("hook on blocks.1.hook_resid_pre")
                    && residHook.getMessage().contains("startAt"), residHook.getMessage());
            try (ForwardResult cached = model.run(m, resid, RunOptions.defaults().resumingAtZ(1, z).caching("blocks.1.hook_resid_pre"))) {
                assertClose(clean.output(), cached.output(), "caching hook_resid_pre of the resumed block");
            }
            // a stop before the resumed block would never use z
            var stopped = assertThrows(IllegalArgumentException.class, () -> model.run(m, resid,
                    RunOptions.defaults().resumingAtZ(1, z).stopAt(1)));
            assertTrue(stopped.getMessage().contains("never uses that z"), stopped.getMessage());
        }
    }

    /** full [batch, pos, vocab] at the given positions, gathered on the Java side. */
    private static NDArray pick(NDManager m, NDArray full, int[] read) {
        long length = full.getShape().get(1);
        List<NDArray> parts = new ArrayList<>();
        for (int p : read) {
            long at = p < 0 ? length + p : p;
            parts.add(full.get(new NDIndex(":, {}:{}", at, at + 1)));
        }
        return ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(parts), 1);
    }

    private static void assertClose(NDArray expected, NDArray actual, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what);
        float scale = Math.max(1f, expected.abs().max().getFloat());
        float worst = expected.sub(actual).abs().max().getFloat();
        assertTrue(worst <= CLOSE * scale, what + ": largest difference " + worst);
    }
}
