package lab.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import lab.runtime.components.Ops;

/**
 * A seeded untrained SAE as SAELens initialises one: decoder rows of random direction and norm
 * 0.1, encoder the decoder's transpose, b_enc zero; b_dec the mean of a first batch of
 * activations (so apply_b_dec_to_input centres the input from step one).
 */
public final class SaeInit {

    static final double DECODER_INIT_NORM = 0.1;

    private SaeInit() {
    }

    /** @param firstBatch activations [n, d_in] row-major, for b_dec */
    public static SparseAutoencoder create(NDManager parent, SaeConfig config, long seed, float[] firstBatch) {
        int dIn = config.dIn();
        int dSae = config.dSae();
        Random random = new Random(seed);
        float[] wDec = new float[dSae * dIn];
        float[] wEnc = new float[dIn * dSae];
        for (int j = 0; j < dSae; j++) {
            double norm = 0;
            for (int i = 0; i < dIn; i++) {
                double v = random.nextGaussian();
                wDec[j * dIn + i] = (float) v;
                norm += v * v;
            }
            double scale = DECODER_INIT_NORM / Math.sqrt(norm);
            for (int i = 0; i < dIn; i++) {
                wDec[j * dIn + i] *= (float) scale;
                wEnc[i * dSae + j] = wDec[j * dIn + i];
            }
        }
        float[] bDec = new float[dIn];
        int rows = firstBatch.length / dIn;
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < dIn; i++) {
                bDec[i] += firstBatch[r * dIn + i] / rows;
            }
        }
        try (NDManager scratch = parent.newSubManager()) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            t.put(SparseAutoencoder.W_ENC, Ops.owned(scratch, wEnc, new Shape(dIn, dSae)));
            t.put(SparseAutoencoder.B_ENC, scratch.zeros(new Shape(dSae)));
            t.put(SparseAutoencoder.W_DEC, Ops.owned(scratch, wDec, new Shape(dSae, dIn)));
            t.put(SparseAutoencoder.B_DEC, Ops.owned(scratch, bDec, new Shape(dIn)));
            return new SparseAutoencoder(config, parent, t, "initial SAE");
        }
    }
}
