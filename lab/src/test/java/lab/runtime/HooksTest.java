package lab.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Hooks that read, replace, act per row, and do not outlive their call; caching; start/stop at layer. */
class HooksTest {

    private static HookedTransformer model;
    private NDManager m;
    private NDArray tokens;

    @BeforeAll
    static void load() {
        model = Fixtures.load("gpt2-tiny");
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @BeforeEach
    void open() {
        m = NDManager.newBaseManager();
        tokens = model.tokens(m, Fixtures.ids(Fixtures.referenceJson("gpt2-tiny").get("clean_ids")));
    }

    @AfterEach
    void release() {
        m.close();
    }

    @Test
    void readingHookSeesTheActivationAndChangesNothing() {
        List<long[]> seen = new ArrayList<>();
        NDArray plain = model.logits(m, tokens);
        NDArray read = model.run(m, tokens, RunOptions.defaults().withHooks(
                Hook.reading("blocks.1.attn.hook_pattern", x -> seen.add(x.getShape().getShape())))).output();
        assertEquals(1, seen.size());
        assertEquals(List.of(1L, 4L, 23L, 23L), boxed(seen.get(0)));
        assertEquals(0.0, Fixtures.relativeError(read, plain));
    }

    @Test
    void replacingHookChangesDownstreamButNotUpstream() {
        Pattern resid = Pattern.compile("blocks\\.\\d\\.hook_resid_pre");
        ForwardResult plain = model.run(m, tokens, RunOptions.defaults().caching(resid));
        ForwardResult zeroed = model.run(m, tokens, RunOptions.defaults().caching(resid)
                .withHooks(Hook.replacing("blocks.0.hook_mlp_out", NDArray::zerosLike)));
        assertEquals(0.0, Fixtures.relativeError(zeroed.cache().get("blocks.0.hook_resid_pre"),
                plain.cache().get("blocks.0.hook_resid_pre")));
        assertTrue(Fixtures.relativeError(zeroed.cache().get("blocks.1.hook_resid_pre"),
                plain.cache().get("blocks.1.hook_resid_pre")) > 1e-3);
        assertTrue(Fixtures.relativeError(zeroed.output(), plain.output()) > 1e-3);
    }

    @Test
    void hooksDoNotOutliveTheirCall() {
        NDArray before = model.logits(m, tokens);
        model.run(m, tokens, RunOptions.defaults().withHooks(Hook.replacing("hook_embed", NDArray::zerosLike)));
        NDArray after = model.logits(m, tokens);
        assertEquals(0.0, Fixtures.relativeError(after, before));
    }

    @Test
    void perRowHookTouchesOnlyItsRows() {
        long[] ids = tokens.toLongArray();
        NDArray batch = model.tokens(m, ids, ids, ids);
        NDArray out = model.run(m, batch, RunOptions.defaults().withHooks(
                Hook.replacingRows("blocks.0.attn.hook_z", new int[] {1}, Interventions.zeroHead(2)))).output();
        NDArray single = model.run(m, tokens, RunOptions.defaults().withHooks(
                Hook.replacing("blocks.0.attn.hook_z", Interventions.zeroHead(2)))).output();
        NDArray clean = model.logits(m, tokens);
        assertTrue(Fixtures.relativeError(out.get(new NDIndex("0:1")), clean) < 1e-6);
        assertTrue(Fixtures.relativeError(out.get(new NDIndex("2:3")), clean) < 1e-6);
        assertTrue(Fixtures.relativeError(out.get(new NDIndex("1:2")), single) < 1e-6);
        assertTrue(Fixtures.relativeError(single, clean) > 1e-3);
    }

    @Test
    void perRowHookNamingARowBeyondTheBatchFails() {
        var e = assertThrows(IllegalArgumentException.class, () -> model.run(m, tokens, RunOptions.defaults().withHooks(
                Hook.replacingRows("blocks.0.attn.hook_z", new int[] {3}, Interventions.zeroHead(0)))));
        assertTrue(e.getMessage().contains("row 3"), e.getMessage());
    }

    @Test
    void unknownHookNameListsTheNearestNames() {
        var e = assertThrows(HookNames.UnknownHookException.class, () -> model.run(m, tokens,
                RunOptions.defaults().withHooks(Hook.reading("blocks.0.attn.hook_zz", x -> { }))));
        assertTrue(e.getMessage().contains("blocks.0.attn.hook_z"), e.getMessage());
        assertTrue(e.getMessage().startsWith("unknown hook point 'blocks.0.attn.hook_zz'"), e.getMessage());
    }

    @Test
    void cacheHoldsExactlyTheFilteredNamesWithTransformerLensShapes() {
        try (ForwardResult r = model.run(m, tokens, RunOptions.defaults().caching(Pattern.compile("blocks\\.0\\.attn\\..*")))) {
            assertEquals(List.of("blocks.0.attn.hook_q", "blocks.0.attn.hook_k", "blocks.0.attn.hook_v",
                    "blocks.0.attn.hook_attn_scores", "blocks.0.attn.hook_pattern", "blocks.0.attn.hook_z"),
                    new ArrayList<>(r.cache().names()));
            assertEquals(List.of(1L, 23L, 4L, 16L), boxed(r.cache().get("blocks.0.attn.hook_z").getShape().getShape()));
            assertEquals(List.of(1L, 4L, 23L, 23L), boxed(r.cache().get("blocks.0.attn.hook_attn_scores").getShape().getShape()));
            var e = assertThrows(IllegalArgumentException.class, () -> r.cache().get("blocks.1.attn.hook_z"));
            assertTrue(e.getMessage().contains("was not cached"));
        }
    }

    @Test
    void everyListedHookPointIsReachedInForwardOrder() {
        List<String> reached = new ArrayList<>();
        List<Hook> hooks = new ArrayList<>();
        for (String name : model.hookNames().all()) {
            hooks.add(Hook.reading(name, x -> reached.add(name)));
        }
        model.run(m, tokens, RunOptions.defaults().withHooks(Hooks.of(hooks)));
        List<String> expected = new ArrayList<>(model.hookNames().all());
        // hook_pos_embed is computed right after hook_embed, so the listed order is the forward order
        assertEquals(expected, reached);
    }

    @Test
    void stopAtLayerReturnsTheResidualEnteringThatBlockAndStartAtLayerResumesFromIt() {
        ForwardResult full = model.run(m, tokens, RunOptions.defaults().caching("blocks.1.hook_resid_pre"));
        NDArray resid1 = model.run(m, tokens, RunOptions.defaults().stopAt(1)).output();
        assertEquals(0.0, Fixtures.relativeError(resid1, full.cache().get("blocks.1.hook_resid_pre")));
        NDArray resumed = model.run(m, resid1, RunOptions.defaults().startAt(1)).output();
        assertTrue(Fixtures.relativeError(resumed, full.output()) < 1e-6);
        NDArray lastOnly = model.run(m, resid1, RunOptions.defaults().startAt(1).unembedOnly(-1, 0)).output();
        assertEquals(List.of(1L, 2L, 384L), boxed(lastOnly.getShape().getShape()));
        assertTrue(Fixtures.relativeError(lastOnly.get(new NDIndex(":, 0")), full.output().get(new NDIndex(":, -1"))) < 1e-6);
        assertTrue(Fixtures.relativeError(lastOnly.get(new NDIndex(":, 1")), full.output().get(new NDIndex(":, 0"))) < 1e-6);
    }

    @Test
    void startAtLayerRejectsTokenIdsAndBadLayerRanges() {
        assertThrows(IllegalArgumentException.class, () -> model.run(m, tokens, RunOptions.defaults().startAt(1)));
        assertThrows(IllegalArgumentException.class, () -> model.run(m, tokens, RunOptions.defaults().stopAt(3)));
        NDArray resid = model.run(m, tokens, RunOptions.defaults().stopAt(1)).output();
        assertThrows(IllegalArgumentException.class, () -> model.run(m, resid, RunOptions.defaults().startAt(2).stopAt(1)));
    }

    @Test
    void scaleHeadsByHalfIsBetweenCleanAndZeroed() {
        NDArray clean = model.logits(m, tokens);
        NDArray half = model.run(m, tokens, RunOptions.defaults().withHooks(Hook.replacing("blocks.1.attn.hook_z",
                Interventions.scaleHeads(2, Map.of(0, 0.5))))).output();
        NDArray zero = model.run(m, tokens, RunOptions.defaults().withHooks(Hook.replacing("blocks.1.attn.hook_z",
                Interventions.zeroHead(0)))).output();
        // the last block's head output enters the logits linearly up to ln_final, so half lies between
        double toZero = Fixtures.relativeError(half, zero);
        double toClean = Fixtures.relativeError(half, clean);
        assertTrue(toZero > 1e-4 && toClean > 1e-4);
        assertFalse(Fixtures.relativeError(zero, clean) < Math.max(toZero, toClean));
    }

    @Test
    void forwardIsDifferentiable() {
        try (var gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
            NDArray wE = model.weights().require("embed.W_E");
            wE.setRequiresGradient(true);
            try {
                NDArray logits = model.logits(m, tokens);
                NDArray loss = logits.get(new NDIndex("0, -1, 5"));
                gc.backward(loss);
                NDArray grad = wE.getGradient();
                assertTrue(grad.abs().sum().getFloat() > 0, "no gradient reached the embedding");
            } finally {
                wE.setRequiresGradient(false);
            }
        }
    }

    private static List<Long> boxed(long[] a) {
        List<Long> l = new ArrayList<>();
        for (long v : a) {
            l.add(v);
        }
        return l;
    }
}
