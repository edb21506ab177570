package lab.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.runtime.ActivationExport;
import lab.runtime.loading.SafetensorsFile;
import lab.sae.SaeActivations;
import lab.sae.SaeFolder;
import lab.sae.SparseAutoencoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code harness sae apply}: an SAE on given activations, so anyone can check it against SAELens. */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = "Encode and decode activations [..., d_in] with an SAE folder; writes feature_acts [..., d_sae]"
                + " and sae_out [..., d_in] (what SAELens's SAE.encode and SAE.decode(SAE.encode(x)) give).")
final class SaeApplyCommand implements Runnable {

    @Option(names = "--sae", required = true, paramLabel = "DIR", description = "SAE folder (cfg.json, sae_weights.safetensors).")
    Path sae;

    @Option(names = "--in", required = true, paramLabel = "ACTS.safetensors", description = "Activations, e.g. from harness cache.")
    Path in;

    @Option(names = "--tensor", paramLabel = "NAME", description = "Which tensor of --in (default: the first).")
    String tensor;

    @Option(names = "--out", required = true, paramLabel = "OUT.safetensors", description = "Output file (written atomically).")
    Path out;

    @Override
    public void run() {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu());
             SparseAutoencoder autoencoder = SaeFolder.read(m, sae)) {
            Map<String, NDArray> inputs = SafetensorsFile.read(m, in);
            if (inputs.isEmpty()) {
                throw new IllegalArgumentException(in + " holds no tensors");
            }
            String name = tensor != null ? tensor : inputs.keySet().iterator().next();
            NDArray x = inputs.get(name);
            if (x == null) {
                throw new IllegalArgumentException(in + " has no tensor '" + name + "'; it has " + inputs.keySet());
            }
            NDArray acts = SaeActivations.toSaeInput(x, autoencoder.config(), in + " tensor '" + name + "'");
            NDArray features = autoencoder.encode(acts);
            Map<String, NDArray> result = new LinkedHashMap<>();
            result.put("feature_acts", features);
            result.put("sae_out", autoencoder.decode(features));
            ActivationExport.write(out, result);
            System.out.println("wrote " + out + ": feature_acts " + features.getShape() + " and sae_out for tensor '"
                    + name + "' " + x.getShape());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }
}
