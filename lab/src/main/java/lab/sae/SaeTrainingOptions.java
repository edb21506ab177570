package lab.sae;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How to train one SAE ({@code experiment.type: "sae_train"}).
 *
 * @param hook hook point whose activations are encoded (attn.hook_z is flattened over heads)
 * @param l1Coefficient standard only: weight of the L1 penalty sum_j f_j |W_dec row j| (SAELens's)
 * @param batchSize tokens per step
 * @param bufferTokens activations held in the shuffled buffer
 * @param deadFeatureWindow tokens without a firing after which a feature counts as dead
 * @param excludeBos leave each text's first (BOS) position out of training and out of the splice
 * @param evalExamples corpus examples the end-of-run evaluation splices the SAE into
 */
public record SaeTrainingOptions(String hook, SaeArchitecture architecture, int dSae, int k, double l1Coefficient,
                                 double lr, int warmupSteps, int batchSize, int epochs, int bufferTokens,
                                 int deadFeatureWindow, int checkpointEvery, boolean excludeBos, int evalExamples) {

    public SaeTrainingOptions {
        if (architecture == SaeArchitecture.TOPK && (k < 1 || k > dSae)) {
            throw new IllegalArgumentException("experiment.k must be between 1 and d_sae (" + dSae + ") for a topk SAE, got " + k);
        }
        if (bufferTokens < batchSize) {
            throw new IllegalArgumentException("experiment.buffer_tokens (" + bufferTokens + ") must be at least"
                    + " experiment.batch_size (" + batchSize + ")");
        }
    }

    /** From the config's experiment object (schema defaults already filled in). */
    public static SaeTrainingOptions fromParams(JsonNode p) {
        SaeArchitecture arch = SaeArchitecture.parse(p.path("architecture").asText("topk"), "experiment.architecture");
        if (arch == SaeArchitecture.TOPK && !p.hasNonNull("k")) {
            throw new IllegalArgumentException("experiment.k is missing: a topk SAE needs k (features kept per token), e.g. 8");
        }
        if (arch == SaeArchitecture.STANDARD && p.hasNonNull("k")) {
            throw new IllegalArgumentException("experiment.k is set but the architecture is standard; remove k or use"
                    + " \"architecture\": \"topk\"");
        }
        return new SaeTrainingOptions(p.path("hook").asText(), arch, p.path("d_sae").asInt(256), p.path("k").asInt(0),
                p.path("l1_coefficient").asDouble(1e-3), p.path("lr").asDouble(1e-3), p.path("warmup_steps").asInt(50),
                p.path("batch_size").asInt(256), p.path("epochs").asInt(20), p.path("buffer_tokens").asInt(4096),
                p.path("dead_feature_window").asInt(2000), p.path("checkpoint_every").asInt(200),
                p.path("exclude_bos").asBoolean(true), p.path("eval_examples").asInt(64));
    }
}
