package lab.runtime;

/**
 * How a checkpoint rescales its rotary frequencies ({@code rope_type} in HF's rope parameters): the
 * static schemes, whose tables depend on the config alone. The arithmetic follows HF transformers'
 * {@code modeling_rope_utils} in float32, as HF computes it (a wavelength is one division here, a
 * reciprocal times 2 pi there), so the tables agree with HF's to the last bit or two.
 *
 * @param kind which scheme
 * @param factor context extension factor (1 for {@link Kind#DEFAULT})
 * @param lowFreqFactor llama3: wavelengths above original context / this are divided by {@code factor}
 * @param highFreqFactor llama3: wavelengths below original context / this are kept
 * @param originalContext llama3 and yarn: the context length the model was pretrained with
 * @param betaFast yarn: rotations at the fast end of the ramp
 * @param betaSlow yarn: rotations at the slow end of the ramp
 * @param truncate yarn: round the ramp's ends out to whole dimensions
 * @param attentionFactor multiplies cos and sin (yarn; 1 otherwise)
 */
public record RopeScaling(Kind kind, double factor, double lowFreqFactor, double highFreqFactor, int originalContext,
                          double betaFast, double betaSlow, boolean truncate, double attentionFactor) {

    /** The schemes the runtime implements. */
    public enum Kind { DEFAULT, LINEAR, LLAMA3, YARN }

    /** Plain rotary. */
    public static final RopeScaling NONE = new RopeScaling(Kind.DEFAULT, 1, 0, 0, 0, 0, 0, false, 1);

    public RopeScaling {
        require(factor > 0, "the rotary scaling factor must be positive, got " + factor);
        require(attentionFactor > 0, "the rotary attention factor must be positive, got " + attentionFactor);
        if (kind == Kind.LLAMA3 || kind == Kind.YARN) {
            require(originalContext > 0, "original_max_position_embeddings must be positive, got " + originalContext);
        }
        if (kind == Kind.LLAMA3) {
            require(highFreqFactor > lowFreqFactor && lowFreqFactor > 0, "llama3 needs 0 < low_freq_factor ("
                    + lowFreqFactor + ") < high_freq_factor (" + highFreqFactor + ")");
        }
    }

    /** Position indices divided by {@code factor} (HF rope_type "linear"). */
    public static RopeScaling linear(double factor) {
        return new RopeScaling(Kind.LINEAR, factor, 0, 0, 0, 0, 0, false, 1);
    }

    /** Llama 3.1's band-wise scaling (HF rope_type "llama3"). */
    public static RopeScaling llama3(double factor, double lowFreqFactor, double highFreqFactor, int originalContext) {
        return new RopeScaling(Kind.LLAMA3, factor, lowFreqFactor, highFreqFactor, originalContext, 0, 0, false, 1);
    }

    /** YaRN (HF rope_type "yarn"); attentionFactor already resolved from the config. */
    public static RopeScaling yarn(double factor, int originalContext, double betaFast, double betaSlow,
                                   boolean truncate, double attentionFactor) {
        return new RopeScaling(Kind.YARN, factor, 0, 0, originalContext, betaFast, betaSlow, truncate, attentionFactor);
    }

    /** The {@code dim / 2} inverse frequencies of a rotary over {@code dim} features with base {@code theta}. */
    public float[] inverseFrequencies(int dim, double theta) {
        float[] inv = new float[dim / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = 1f / basePower(i, dim, theta);
        }
        switch (kind) {
            case DEFAULT -> { }
            case LINEAR -> divideAll(inv);
            case LLAMA3 -> llama3Bands(inv);
            case YARN -> yarnRamp(inv, dim, theta);
            default -> throw new IllegalStateException(kind.toString());
        }
        return inv;
    }

    /** theta^(2i/dim) in float32: the exponent is a float32 quotient, the power rounded to float32. */
    private static float basePower(int i, int dim, double theta) {
        return (float) Math.pow(theta, (float) (2 * i) / dim);
    }

    private void divideAll(float[] inv) {
        float f = (float) factor;
        for (int i = 0; i < inv.length; i++) {
            inv[i] = inv[i] / f;
        }
    }

    /** Long wavelengths divided by the factor, short ones kept, a smooth blend between. */
    private void llama3Bands(float[] inv) {
        float f = (float) factor;
        float lowWavelen = (float) (originalContext / lowFreqFactor);
        float highWavelen = (float) (originalContext / highFreqFactor);
        float twoPi = (float) (2 * Math.PI);
        float low = (float) lowFreqFactor;
        float span = (float) (highFreqFactor - lowFreqFactor);
        for (int i = 0; i < inv.length; i++) {
            float wavelen = twoPi / inv[i];
            if (wavelen > lowWavelen) {
                inv[i] = inv[i] / f;
            } else if (!(wavelen < highWavelen)) {
                float smooth = ((float) originalContext / wavelen - low) / span;
                inv[i] = (1 - smooth) * inv[i] / f + smooth * inv[i];
            }
        }
    }

    /** Interpolated (divided by the factor) below the ramp, extrapolated (kept) above it, linear between. */
    private void yarnRamp(float[] inv, int dim, double theta) {
        double low = correctionDim(betaFast, dim, theta);
        double high = correctionDim(betaSlow, dim, theta);
        if (truncate) {
            low = Math.floor(low);
            high = Math.ceil(high);
        }
        low = Math.max(low, 0);
        high = Math.min(high, dim - 1);
        if (low == high) {
            high += 0.001; // as HF: no division by zero
        }
        float f = (float) factor;
        float lowF = (float) low;
        float width = (float) (high - low);
        for (int i = 0; i < inv.length; i++) {
            float pos = basePower(i, dim, theta);
            float extrapolation = 1f / pos;
            float interpolation = 1f / (f * pos);
            float ramp = Math.min(Math.max(((float) i - lowF) / width, 0f), 1f);
            float keep = 1f - ramp;
            inv[i] = interpolation * (1 - keep) + extrapolation * keep;
        }
    }

    /** The (fractional) dimension whose wavelength fits {@code rotations} times in the original context. */
    private double correctionDim(double rotations, int dim, double theta) {
        return dim * Math.log(originalContext / (rotations * 2 * Math.PI)) / (2 * Math.log(theta));
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
