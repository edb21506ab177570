package lab.sae;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How to train one SAE ({@code experiment.type: "sae_train"}).
 *
 * @param hook hook point whose activations are encoded (attn.hook_z is flattened over heads)
 * @param l1Coefficient standard only: weight of the L1 penalty sum_j f_j |W_dec row j| (SAELens's)
 * @param auxKCoefficient topk only: weight of the AuxK loss against dead features ({@link AuxKLoss}); 0: none
 * @param auxK topk only: k_aux, dead features decoding the error per token; 0: d_in / 2 (Gao et al.'s)
 * @param batchSize tokens per step
 * @param bufferTokens activations held in the shuffled buffer
 * @param deadFeatureWindow tokens without a firing after which a feature counts as dead
 * @param excludeBos leave each text's first (BOS) position out of training and out of the splice
 * @param evalExamples corpus examples the end-of-run evaluation splices the SAE into
 */
public record SaeTrainingOptions(String hook, SaeArchitecture architecture, int dSae, int k, double l1Coefficient,
                                 double auxKCoefficient, int auxK, double lr, int warmupSteps, int batchSize,
                                 int epochs, int bufferTokens, int deadFeatureWindow, int checkpointEvery,
                                 boolean excludeBos, int evalExamples) {

    /**
     * SAELens 6.18's aux_loss_coefficient, the default for topk: our AuxK loss is in SAELens's units.
     * Gao et al. use 1/32; on the toy model 1 left fewer features dead (README).
     */
    public static final double DEFAULT_AUX_K_COEFFICIENT = 1.0;

    public SaeTrainingOptions {
        if (architecture == SaeArchitecture.TOPK && (k < 1 || k > dSae)) {
            throw new IllegalArgumentException("experiment.k must be between 1 and d_sae (" + dSae + ") for a topk SAE, got " + k);
        }
        if (architecture == SaeArchitecture.STANDARD && (auxKCoefficient != 0 || auxK != 0)) {
            throw standardHasNoAuxK();
        }
        if (!(auxKCoefficient >= 0 && Double.isFinite(auxKCoefficient)) || auxK < 0) {
            throw new IllegalArgumentException("experiment.aux_k_coefficient must be a finite number >= 0 (0: no AuxK loss)"
                    + " and experiment.aux_k at least 1; got " + auxKCoefficient + " and " + auxK);
        }
        if (auxKCoefficient == 0 && auxK != 0) {
            throw new IllegalArgumentException("experiment.aux_k is " + auxK + " but experiment.aux_k_coefficient is 0, so"
                    + " no AuxK loss runs to use it; remove aux_k or give aux_k_coefficient > 0");
        }
        if (bufferTokens < batchSize) {
            throw new IllegalArgumentException("experiment.buffer_tokens (" + bufferTokens + ") must be at least"
                    + " experiment.batch_size (" + batchSize + ")");
        }
    }

    /** k_aux for activations of width {@code dIn}: aux_k, or d_in / 2 when not given. */
    public int kAux(int dIn) {
        return auxK > 0 ? auxK : Math.max(1, dIn / 2);
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
        if (arch == SaeArchitecture.STANDARD && (p.hasNonNull("aux_k_coefficient") || p.hasNonNull("aux_k"))) {
            throw standardHasNoAuxK();
        }
        double auxCoefficient = arch == SaeArchitecture.TOPK ? DEFAULT_AUX_K_COEFFICIENT : 0;
        return new SaeTrainingOptions(p.path("hook").asText(), arch, p.path("d_sae").asInt(256), p.path("k").asInt(0),
                p.path("l1_coefficient").asDouble(1e-3), p.path("aux_k_coefficient").asDouble(auxCoefficient),
                p.path("aux_k").asInt(0), p.path("lr").asDouble(1e-3), p.path("warmup_steps").asInt(50),
                p.path("batch_size").asInt(256), p.path("epochs").asInt(20), p.path("buffer_tokens").asInt(4096),
                p.path("dead_feature_window").asInt(2000), p.path("checkpoint_every").asInt(200),
                p.path("exclude_bos").asBoolean(true), p.path("eval_examples").asInt(64));
    }

    private static IllegalArgumentException standardHasNoAuxK() {
        return new IllegalArgumentException("experiment.aux_k_coefficient / experiment.aux_k are set but the architecture"
                + " is standard; the AuxK loss revives dead topk features (a standard SAE's L1 penalty has no such term):"
                + " remove them or use \"architecture\": \"topk\"");
    }
}
