package lab.sae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import lab.runtime.components.Ops;
import org.junit.jupiter.api.Test;

/**
 * The AuxK loss against a plain double computation of Gao et al.'s A.2 written out below (the
 * value, and its gradient by central differences), one trainer step with and without it, and the
 * standard architecture's refusal.
 */
class AuxKLossTest {

    static final int D_IN = 6;
    static final int D_SAE = 10;
    static final int K = 3;
    static final int TOKENS = 5;
    static final boolean[] DEAD = {false, true, false, false, true, true, false, false, true, false};

    /** Weights and inputs as doubles (row-major: W_enc [d_in][d_sae], W_dec [d_sae][d_in]), x [tokens][d_in]. */
    record Weights(double[] wEnc, double[] bEnc, double[] wDec, double[] bDec, double[] x) {
        Weights copy() {
            return new Weights(wEnc.clone(), bEnc.clone(), wDec.clone(), bDec.clone(), x.clone());
        }

        double[] get(String name) {
            return switch (name) {
                case SparseAutoencoder.W_ENC -> wEnc;
                case SparseAutoencoder.B_ENC -> bEnc;
                case SparseAutoencoder.W_DEC -> wDec;
                default -> bDec;
            };
        }
    }

    static Weights randomWeights(long seed) {
        Random r = new Random(seed);
        double[][] arrays = {new double[D_IN * D_SAE], new double[D_SAE], new double[D_SAE * D_IN], new double[D_IN],
            new double[TOKENS * D_IN]};
        for (double[] a : arrays) {
            for (int i = 0; i < a.length; i++) {
                // float-exact values, so the SAE holds exactly these weights
                a[i] = (float) (r.nextGaussian() * (a.length == D_SAE ? 0.2 : 0.7));
            }
        }
        // decoder rows of different norms, so rescale_acts_by_decoder_norm matters
        for (int j = 0; j < D_SAE; j++) {
            for (int i = 0; i < D_IN; i++) {
                arrays[2][j * D_IN + i] = (float) (arrays[2][j * D_IN + i] * (0.5 + 0.2 * j));
            }
        }
        return new Weights(arrays[0], arrays[1], arrays[2], arrays[3], arrays[4]);
    }

    // ---- the independent computation: plain loops over doubles ----

    static double[] norms(Weights w) {
        double[] n = new double[D_SAE];
        for (int j = 0; j < D_SAE; j++) {
            double s = 0;
            for (int i = 0; i < D_IN; i++) {
                s += w.wDec[j * D_IN + i] * w.wDec[j * D_IN + i];
            }
            n[j] = Math.sqrt(s);
        }
        return n;
    }

    /** hidden_pre = ((x - b_dec) W_enc + b_enc) * |W_dec row|, [token][feature]. */
    static double[][] hiddenPre(Weights w) {
        double[] norms = norms(w);
        double[][] pre = new double[TOKENS][D_SAE];
        for (int t = 0; t < TOKENS; t++) {
            for (int j = 0; j < D_SAE; j++) {
                double s = w.bEnc[j];
                for (int i = 0; i < D_IN; i++) {
                    s += (w.x[t * D_IN + i] - w.bDec[i]) * w.wEnc[i * D_SAE + j];
                }
                pre[t][j] = s * norms[j];
            }
        }
        return pre;
    }

    /** The features among {@code allowed} with the {@code k} largest values, per token; ReLU'd, the rest 0. */
    static double[][] topK(double[][] pre, boolean[] allowed, int k) {
        double[][] out = new double[TOKENS][D_SAE];
        for (int t = 0; t < TOKENS; t++) {
            boolean[] taken = new boolean[D_SAE];
            for (int round = 0; round < k; round++) {
                int best = -1;
                for (int j = 0; j < D_SAE; j++) {
                    if (allowed[j] && !taken[j] && (best < 0 || pre[t][j] > pre[t][best])) {
                        best = j;
                    }
                }
                taken[best] = true;
                out[t][best] = Math.max(0, pre[t][best]);
            }
        }
        return out;
    }

    /** sum_j f_j / |W_dec row j| W_dec row j (+ b_dec), [token][d_in]. */
    static double[][] decode(Weights w, double[][] f, boolean withBias) {
        double[] norms = norms(w);
        double[][] out = new double[TOKENS][D_IN];
        for (int t = 0; t < TOKENS; t++) {
            for (int i = 0; i < D_IN; i++) {
                double s = withBias ? w.bDec[i] : 0;
                for (int j = 0; j < D_SAE; j++) {
                    s += f[t][j] / norms[j] * w.wDec[j * D_IN + i];
                }
                out[t][i] = s;
            }
        }
        return out;
    }

    /** The residual error e = x - x_hat of the topk SAE, [token][d_in]. */
    static double[][] residual(Weights w) {
        boolean[] all = new boolean[D_SAE];
        Arrays.fill(all, true);
        double[][] xHat = decode(w, topK(hiddenPre(w), all, K), true);
        double[][] e = new double[TOKENS][D_IN];
        for (int t = 0; t < TOKENS; t++) {
            for (int i = 0; i < D_IN; i++) {
                e[t][i] = w.x[t * D_IN + i] - xHat[t][i];
            }
        }
        return e;
    }

    /** min(dead / kAux, 1) * mean over tokens of |e - e_hat|^2, e_hat decoded from the top min(kAux, dead) dead features. */
    static double auxLoss(Weights w, double[][] e, boolean[] dead, int kAux) {
        int deadCount = 0;
        for (boolean d : dead) {
            deadCount += d ? 1 : 0;
        }
        double[][] eHat = decode(w, topK(hiddenPre(w), dead, Math.min(kAux, deadCount)), false);
        double sum = 0;
        for (int t = 0; t < TOKENS; t++) {
            for (int i = 0; i < D_IN; i++) {
                sum += (e[t][i] - eHat[t][i]) * (e[t][i] - eHat[t][i]);
            }
        }
        return Math.min((double) deadCount / kAux, 1.0) * sum / TOKENS;
    }

    // ---- the production path ----

    static SaeConfig config() {
        return new SaeConfig(SaeArchitecture.TOPK, D_IN, D_SAE, K, true, true, "none", null);
    }

    static float[] floats(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    static SparseAutoencoder sae(NDManager m, Weights w) {
        Map<String, NDArray> t = new LinkedHashMap<>();
        t.put(SparseAutoencoder.W_ENC, m.create(floats(w.wEnc), new Shape(D_IN, D_SAE)));
        t.put(SparseAutoencoder.B_ENC, m.create(floats(w.bEnc), new Shape(D_SAE)));
        t.put(SparseAutoencoder.W_DEC, m.create(floats(w.wDec), new Shape(D_SAE, D_IN)));
        t.put(SparseAutoencoder.B_DEC, m.create(floats(w.bDec), new Shape(D_IN)));
        return new SparseAutoencoder(config(), m, t, "test SAE");
    }

    @Test
    void valueAndGradientEqualAPlainComputationAndOnlyDeadFeaturesLearn() {
        Weights w = randomWeights(3);
        double[][] e = residual(w);
        // k_aux 3 of 4 dead (scale 1) and k_aux 6 (capped at 4 dead, scale 4/6)
        for (int kAux : new int[] {3, 6}) {
            try (NDManager m = NDManager.newBaseManager(); SparseAutoencoder sae = sae(m, w)) {
                Map<String, NDArray> params = sae.parameters();
                params.values().forEach(p -> p.setRequiresGradient(true));
                float value;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray x = Ops.owned(m, floats(w.x), new Shape(TOKENS, D_IN));
                    NDArray pre = sae.hiddenPre(x);
                    NDArray out = sae.decode(sae.activate(pre));
                    NDArray loss = AuxKLoss.of(sae, pre, x.sub(out).stopGradient(), DEAD, kAux);
                    gc.backward(loss);
                    value = loss.getFloat();
                }
                double expected = auxLoss(w, e, DEAD, kAux);
                assertTrue(expected > 1e-2, "a loss worth checking: " + expected);
                assertEquals(expected, value, 1e-5 * expected, "k_aux " + kAux + ": AuxK loss");

                double h = 1e-5;
                for (String name : params.keySet()) {
                    float[] grad = params.get(name).getGradient().toFloatArray();
                    for (int i = 0; i < grad.length; i++) {
                        Weights plus = w.copy();
                        Weights minus = w.copy();
                        plus.get(name)[i] += h;
                        minus.get(name)[i] -= h;
                        // e stays as it was: the residual is off the gradient tape
                        double numeric = (auxLoss(plus, e, DEAD, kAux) - auxLoss(minus, e, DEAD, kAux)) / (2 * h);
                        assertEquals(numeric, grad[i], 1e-4 + 1e-3 * Math.abs(numeric),
                                "k_aux " + kAux + ": d loss / d " + name + "[" + i + "]");
                        int feature = switch (name) {
                            case SparseAutoencoder.W_ENC -> i % D_SAE;
                            case SparseAutoencoder.B_ENC -> i;
                            case SparseAutoencoder.W_DEC -> i / D_IN;
                            default -> -1;
                        };
                        if (feature >= 0 && !DEAD[feature]) {
                            assertEquals(0f, grad[i], 0f, name + "[" + i + "] of live feature " + feature + " learns nothing");
                        }
                    }
                }
                // a dead feature learns where it is among a token's chosen dead features with a positive activation
                float[] wEncGrad = params.get(SparseAutoencoder.W_ENC).getGradient().toFloatArray();
                double[][] chosen = topK(hiddenPre(w), DEAD, Math.min(kAux, 4));
                int learning = 0;
                for (int j = 0; j < D_SAE; j++) {
                    boolean active = false;
                    for (double[] token : chosen) {
                        active |= token[j] > 0;
                    }
                    double column = 0;
                    for (int i = 0; i < D_IN; i++) {
                        column += Math.abs(wEncGrad[i * D_SAE + j]);
                    }
                    assertEquals(active, column > 1e-6, "k_aux " + kAux + ": feature " + j + "'s encoder column learns");
                    learning += active ? 1 : 0;
                }
                assertTrue(learning >= 2, "k_aux " + kAux + ": dead features learning " + learning);
            }
        }
    }

    static SaeTrainingOptions trainingOptions(double auxCoefficient, int tokensPerBatch) {
        return new SaeTrainingOptions("blocks.0.hook_resid_pre", SaeArchitecture.TOPK, D_SAE, K, 0, auxCoefficient, 0,
                1e-2, 0, tokensPerBatch, 1, tokensPerBatch, tokensPerBatch, 0, true, 1);
    }

    @Test
    void aTrainerStepAddsTheLossAndMovesOnlyTheDeadFeatures() {
        Weights w = randomWeights(5);
        Random r = new Random(9);
        // two batches of 5 tokens; the dead window is one batch, so after the first step the features
        // the first batch did not fire are dead for the second
        float[][] batches = new float[2][TOKENS * D_IN];
        for (float[] b : batches) {
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) r.nextGaussian();
            }
        }
        double coefficient = 0.25;
        try (NDManager m = NDManager.newBaseManager();
             SparseAutoencoder withAux = sae(m, w);
             SparseAutoencoder without = sae(m, w);
             SaeTrainer auxTrainer = new SaeTrainer(withAux, trainingOptions(coefficient, TOKENS), m);
             SaeTrainer plainTrainer = new SaeTrainer(without, trainingOptions(0, TOKENS), m)) {
            SaeStepStats a1 = auxTrainer.step(batches[0]);
            SaeStepStats p1 = plainTrainer.step(batches[0]);
            assertEquals(0, a1.auxLoss(), "nothing is dead at the first step");
            assertEquals(p1.loss(), a1.loss(), 0, "so the step is the plain one");
            boolean[] dead = auxTrainer.deadMask();
            assertArrayEquals(dead, plainTrainer.deadMask());
            int deadCount = 0;
            for (boolean d : dead) {
                deadCount += d ? 1 : 0;
            }
            assertTrue(deadCount >= 2 && deadCount <= D_SAE - K, "features the first batch left unfired: " + deadCount);
            assertEquals(deadCount, a1.deadFeatures());

            Weights before = new Weights(doubles(withAux, SparseAutoencoder.W_ENC), doubles(withAux, SparseAutoencoder.B_ENC),
                    doubles(withAux, SparseAutoencoder.W_DEC), doubles(withAux, SparseAutoencoder.B_DEC), doubles(batches[1]));
            SaeStepStats a2 = auxTrainer.step(batches[1]);
            SaeStepStats p2 = plainTrainer.step(batches[1]);
            double expected = coefficient * auxLoss(before, residual(before), dead, D_IN / 2);
            assertEquals(expected, a2.auxLoss(), 1e-5 * expected, "aux_loss: coefficient times the AuxK loss");
            assertTrue(expected > 0);
            assertEquals(p2.loss() + a2.auxLoss(), a2.loss(), 1e-5 * a2.loss(), "the training loss includes it");
            assertEquals(0, p2.auxLoss());

            float[] encA = withAux.parameters().get(SparseAutoencoder.W_ENC).toFloatArray();
            float[] encP = without.parameters().get(SparseAutoencoder.W_ENC).toFloatArray();
            float[] decA = withAux.parameters().get(SparseAutoencoder.W_DEC).toFloatArray();
            float[] decP = without.parameters().get(SparseAutoencoder.W_DEC).toFloatArray();
            float[] bEncA = withAux.parameters().get(SparseAutoencoder.B_ENC).toFloatArray();
            float[] bEncP = without.parameters().get(SparseAutoencoder.B_ENC).toFloatArray();
            int deadMoved = 0;
            for (int j = 0; j < D_SAE; j++) {
                float[] colA = new float[D_IN];
                float[] colP = new float[D_IN];
                for (int i = 0; i < D_IN; i++) {
                    colA[i] = encA[i * D_SAE + j];
                    colP[i] = encP[i * D_SAE + j];
                }
                float[] rowA = Arrays.copyOfRange(decA, j * D_IN, (j + 1) * D_IN);
                float[] rowP = Arrays.copyOfRange(decP, j * D_IN, (j + 1) * D_IN);
                if (!dead[j]) {
                    assertArrayEquals(colP, colA, "live feature " + j + "'s W_enc column: the main loss alone");
                    assertArrayEquals(rowP, rowA, "live feature " + j + "'s W_dec row: the main loss alone");
                    assertEquals(bEncP[j], bEncA[j], 0f, "live feature " + j + "'s b_enc");
                } else if (!Arrays.equals(colA, colP)) {
                    deadMoved++;
                    assertFalse(Arrays.equals(rowA, rowP), "dead feature " + j + "'s decoder row moves with its encoder");
                }
            }
            assertTrue(deadMoved >= 1, "dead features moved by AuxK: " + deadMoved);
        }
    }

    static double[] doubles(SparseAutoencoder sae, String name) {
        return doubles(sae.parameters().get(name).toFloatArray());
    }

    static double[] doubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Test
    void theStandardArchitectureRefusesAuxK() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (String key : new String[] {"\"aux_k_coefficient\": 0.03", "\"aux_k\": 8"}) {
            Exception e = assertThrows(IllegalArgumentException.class, () -> SaeTrainingOptions.fromParams(json.readTree(
                    "{\"type\": \"sae_train\", \"hook\": \"blocks.0.hook_resid_pre\", \"architecture\": \"standard\", " + key + "}")));
            assertTrue(e.getMessage().contains("architecture is standard") && e.getMessage().contains("aux_k"), e.getMessage());
        }
        SaeTrainingOptions standard = SaeTrainingOptions.fromParams(json.readTree(
                "{\"hook\": \"blocks.0.hook_resid_pre\", \"architecture\": \"standard\"}"));
        assertEquals(0, standard.auxKCoefficient());
        SaeTrainingOptions topk = SaeTrainingOptions.fromParams(json.readTree(
                "{\"hook\": \"blocks.0.hook_resid_pre\", \"architecture\": \"topk\", \"k\": 4}"));
        assertEquals(1.0, topk.auxKCoefficient(), "SAELens's aux_loss_coefficient");
        assertEquals(32, topk.kAux(64), "k_aux defaults to d_in / 2");
        SaeTrainingOptions set = SaeTrainingOptions.fromParams(json.readTree(
                "{\"hook\": \"blocks.0.hook_resid_pre\", \"k\": 4, \"aux_k_coefficient\": 0.5, \"aux_k\": 5}"));
        assertEquals(0.5, set.auxKCoefficient());
        assertEquals(5, set.kAux(64));
        assertNotEquals(set, topk);
        Exception unused = assertThrows(IllegalArgumentException.class, () -> SaeTrainingOptions.fromParams(json.readTree(
                "{\"hook\": \"blocks.0.hook_resid_pre\", \"k\": 4, \"aux_k_coefficient\": 0, \"aux_k\": 5}")));
        assertTrue(unused.getMessage().contains("no AuxK loss runs to use it"), unused.getMessage());
    }
}
