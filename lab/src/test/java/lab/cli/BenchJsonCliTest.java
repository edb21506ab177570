package lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lab.runtime.Fixtures;
import lab.runtime.bench.ForwardProfile;
import org.junit.jupiter.api.Test;

/**
 * {@code bench forward|sweep|patch|atp --json} on the tiny GPT-2 fixture: the last line is one JSON
 * object with the promised fields, and the optimised ways agree with the plain hooked forwards.
 * No timing is asserted (times move with the machine's load); only that they are positive.
 */
class BenchJsonCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode lastLine(String... args) throws Exception {
        CliTest.Outcome o = CliTest.harness(args);
        assertEquals(0, o.code(), o.err());
        String[] lines = o.out().strip().split("\n");
        JsonNode j = JSON.readTree(lines[lines.length - 1]);
        assertTrue(j.isObject(), o.out());
        return j;
    }

    private static String tiny() {
        return Fixtures.dir("gpt2-tiny").toString();
    }

    private static void positive(JsonNode j, String... fields) {
        for (String f : fields) {
            assertTrue(j.has(f) && j.get(f).asDouble() > 0, f + " in " + j);
        }
    }

    @Test
    void forwardJsonHoldsRateMedianMatmulAndRssAndTheProfileItsShares() throws Exception {
        JsonNode j = lastLine("bench", "forward", "--model", tiny(), "--device", "cpu", "--batch", "2", "--seq", "8",
                "--iters", "2", "--sweep-seq", "0", "--profile", "--json");
        positive(j, "tokens_per_s", "median_forward_s", "matmul_gflops", "peak_rss_mb", "profile_forward_s");
        // with two forwards the median is their mean, so the rate is 2 x 8 tokens over it
        double rate = j.get("tokens_per_s").asDouble();
        assertEquals(16.0 / j.get("median_forward_s").asDouble(), rate, 1e-6 * rate, j.toString());
        assertTrue(!j.has("sweep_naive_s"), "--sweep-seq 0 skips the sweep: " + j);
        if (j.get("linear_path").asText().equals("oneDNN")) {
            // the same forwards with libtorch's linear, timed alternately: the ratio is of the two rates
            positive(j, "onednn_matmul_gflops", "libtorch_linear_tokens_per_s");
            assertEquals(rate / j.get("libtorch_linear_tokens_per_s").asDouble(), j.get("linear_path_speedup").asDouble(),
                    1e-9, j.toString());
            assertTrue(j.get("linear_path_max_abs_diff").asDouble() <= 1e-4, j.toString());
        } else {
            assertTrue(j.get("libtorch_linear_tokens_per_s").isNull(), j.toString());
        }
        JsonNode shares = j.get("profile_share");
        double sum = 0;
        for (String c : ForwardProfile.COMPONENTS) {
            double s = shares.get(c).asDouble();
            assertTrue(s >= 0 && s <= 1, c + " share " + s);
            sum += s;
        }
        // the intervals tile the forward from its start to its return, so they cover nearly all of it
        assertTrue(sum > 0.8 && sum <= 1 + 1e-9, "shares sum to " + sum);
        assertTrue(shares.get("linear_layers").asDouble() > 0 && shares.get("attention_scores_softmax_mix").asDouble() > 0, j.toString());
        // 2 layers of attention, MLP and norms make dozens of tensors
        assertTrue(j.get("profile_ops_per_forward").asInt() > 40, j.toString());
    }

    @Test
    void sweepJsonMatchesTheNaiveLoop() throws Exception {
        JsonNode j = lastLine("bench", "sweep", "--model", tiny(), "--device", "cpu", "--prompts", "2", "--tokens", "6", "--json");
        positive(j, "naive_s", "optimised_s", "speedup", "matmul_gflops", "achieved_gflops", "peak_rss_mb");
        assertEquals(8, j.get("heads").asInt(), "2 layers x 4 heads");
        assertTrue(j.get("max_abs_diff").asDouble() <= 1e-4, j.toString());
        assertTrue(j.get("max_abs_diff_kl").asDouble() <= 1e-5, j.toString());
    }

    @Test
    void atpJsonNamesItsGranularityAndMethodAndCountsItsPatches() throws Exception {
        JsonNode heads = lastLine("bench", "atp", "--model", tiny(), "--device", "cpu", "--tokens", "6", "--json");
        positive(heads, "exact_s", "atp_s", "speedup", "peak_rss_mb");
        assertEquals("head_out", heads.get("granularity").asText());
        assertEquals("atp", heads.get("method").asText());
        assertEquals(2 * 4 * 6, heads.get("patches").asInt(), "2 layers x 4 heads x 6 positions");
        JsonNode resid = lastLine("bench", "atp", "--model", tiny(), "--device", "cpu", "--tokens", "6", "--exact-positions", "6",
                "--granularity", "layer_resid", "--json");
        assertEquals("atp_star", resid.get("method").asText());
        assertEquals(2 * 6, resid.get("patches").asInt(), "2 layers x 6 positions");
        assertTrue(!resid.get("exact_extrapolated").asBoolean(), resid.toString());
        CliTest.Outcome bad = CliTest.harness("bench", "atp", "--model", tiny(), "--granularity", "mlp_out", "--method", "atp_star");
        assertTrue(bad.code() != 0 && bad.err().contains("--method \"atp_star\" applies to granularity"), bad.err());
    }

    @Test
    void patchJsonMatchesOnePlainForwardPerPatch() throws Exception {
        JsonNode j = lastLine("bench", "patch", "--model", tiny(), "--device", "cpu", "--tokens", "6", "--json");
        positive(j, "patches_per_s", "plain_patches_per_s", "peak_rss_mb");
        assertEquals(8, j.get("patches").asInt());
        assertEquals(8, j.get("checked").asInt(), "every patch is checked by default");
        assertTrue(j.get("max_abs_diff").asDouble() <= 1e-4, j.toString());
    }

    @Test
    void patchChecksEveryNthWhenAsked() throws Exception {
        JsonNode j = lastLine("bench", "patch", "--model", tiny(), "--device", "cpu", "--tokens", "5", "--check-every", "3", "--json");
        assertEquals(3, j.get("checked").asInt(), "patches 0, 3 and 6 of 8");
    }
}
