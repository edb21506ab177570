package lab.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.io.AtomicFiles;
import lab.runtime.ActivationExport;
import lab.runtime.loading.SafetensorsFile;

/**
 * An SAE folder as SAELens 6.x writes it: {@code cfg.json}, {@code sae_weights.safetensors}
 * (W_enc [d_in, d_sae], b_enc, W_dec [d_sae, d_in], b_dec) and, where known,
 * {@code sparsity.safetensors} ({@code sparsity} [d_sae] = log10(firing fraction + 1e-10)).
 */
public final class SaeFolder {

    public static final String CFG = "cfg.json";
    public static final String WEIGHTS = "sae_weights.safetensors";
    public static final String SPARSITY = "sparsity.safetensors";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SaeFolder() {
    }

    /** The folder's cfg.json alone (no tensor read). */
    public static SaeConfig readConfig(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("SAE folder " + dir + " does not exist (or is not a folder)");
        }
        Path cfg = dir.resolve(CFG);
        if (!Files.isRegularFile(cfg)) {
            throw new IllegalArgumentException(dir + " is not an SAE folder: it has no " + CFG + " (SAELens writes "
                    + CFG + " beside " + WEIGHTS + "; give the folder that holds both)");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(cfg.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(cfg + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + cfg + ": " + e.getMessage(), e);
        }
        return SaeConfig.fromJson(tree, cfg.toString());
    }

    /** Reads the SAE, every tensor checked against cfg.json. */
    public static SparseAutoencoder read(NDManager parent, Path dir) {
        SaeConfig config = readConfig(dir);
        Path weights = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(weights)) {
            throw new IllegalArgumentException(dir + " has " + CFG + " but no " + WEIGHTS);
        }
        try (NDManager scratch = parent.newSubManager()) {
            Map<String, NDArray> tensors = SafetensorsFile.read(scratch, weights);
            return new SparseAutoencoder(config, parent, tensors, weights.toString());
        }
    }

    /**
     * Writes the SAE as SAELens's trainer saves it. With rescale_acts_by_decoder_norm the decoder
     * row norms are folded into W_enc and b_enc and the saved W_dec rows have unit norm (what
     * SAELens's save_inference_model does): the saved SAE computes the same function.
     *
     * @param log10Sparsity log10(firing fraction + 1e-10) per feature, or null when not known
     */
    public static void write(SparseAutoencoder sae, Path dir, float[] log10Sparsity) throws IOException {
        Files.createDirectories(dir);
        Map<String, NDArray> p = sae.parameters();
        try (NDManager m = p.get(SparseAutoencoder.W_DEC).getManager().newSubManager()) {
            Map<String, NDArray> out = new LinkedHashMap<>();
            NDArray wEnc = plainCopy(m, p.get(SparseAutoencoder.W_ENC));
            NDArray bEnc = plainCopy(m, p.get(SparseAutoencoder.B_ENC));
            NDArray wDec = plainCopy(m, p.get(SparseAutoencoder.W_DEC));
            if (sae.config().rescaleActsByDecoderNorm()) {
                NDArray norms = wDec.norm(new int[] {1}, false);
                wEnc = wEnc.mul(norms);
                bEnc = bEnc.mul(norms);
                wDec = wDec.div(norms.expandDims(1));
            }
            out.put(SparseAutoencoder.W_ENC, wEnc);
            out.put(SparseAutoencoder.B_ENC, bEnc);
            out.put(SparseAutoencoder.W_DEC, wDec);
            out.put(SparseAutoencoder.B_DEC, plainCopy(m, p.get(SparseAutoencoder.B_DEC)));
            ActivationExport.write(dir.resolve(WEIGHTS), out);
            if (log10Sparsity != null) {
                if (log10Sparsity.length != sae.config().dSae()) {
                    throw new IllegalArgumentException("sparsity has " + log10Sparsity.length + " values for d_sae "
                            + sae.config().dSae());
                }
                ActivationExport.write(dir.resolve(SPARSITY), Map.of("sparsity", m.create(log10Sparsity)));
            }
        }
        AtomicFiles.writeString(dir.resolve(CFG), JSON.writeValueAsString(sae.config().toJson()) + "\n");
    }

    /** A copy outside any autograd graph (the live parameters may require gradients). */
    private static NDArray plainCopy(NDManager m, NDArray a) {
        return m.create(a.toFloatArray(), a.getShape());
    }
}
