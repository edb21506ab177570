package lab.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.runtime.HookNames;
import lab.runtime.ModelConfig;
import lab.runtime.loading.Checkpoint;
import lab.runtime.loading.ModelLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code harness model info}: architecture and hook point names, from config.json alone. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Family, sizes, parameter count and hook point names of a model folder (reads config.json only).")
final class ModelInfoCommand implements Runnable {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "HF model folder.")
    Path dir;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public void run() {
        Checkpoint checkpoint = Checkpoint.open(dir);
        ModelConfig c = ModelLoader.readConfig(checkpoint);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("family", c.family());
        info.put("n_layers", c.nLayers());
        info.put("n_heads", c.nHeads());
        info.put("n_kv_heads", c.nKvHeads());
        info.put("d_model", c.dModel());
        info.put("d_head", c.dHead());
        info.put("d_mlp", c.dMlp());
        info.put("d_vocab", c.vocabSize());
        info.put("n_ctx", c.contextLength());
        info.put("n_params", checkpoint.parameterCount());
        info.put("normalization", c.norm().name().toLowerCase());
        info.put("positional", c.positional().name().toLowerCase());
        info.put("rotary_dim", c.rotaryDim());
        info.put("parallel_residual", c.parallelResidual());
        info.put("gated_mlp", c.gatedMlp());
        info.put("activation", c.activation().name().toLowerCase());
        info.put("tied_embeddings", c.tiedEmbeddings());
        info.put("attention_window", c.attentionWindow());
        info.put("hook_points", new HookNames(c).all());
        if (json) {
            System.out.println(Json.pretty(info));
            return;
        }
        info.forEach((k, v) -> {
            if (!k.equals("hook_points")) {
                System.out.printf("%-18s %s%n", k, v instanceof int[] a ? java.util.Arrays.toString(a) : v);
            }
        });
        System.out.println("hook_points (" + new HookNames(c).all().size() + "):");
        new HookNames(c).all().forEach(n -> System.out.println("  " + n));
    }
}
