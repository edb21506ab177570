package lab.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import lab.runtime.ActivationExport;
import lab.runtime.ForwardResult;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code harness cache}: one forward, logits and matching hook points written as safetensors. */
@Command(name = "cache", mixinStandardHelpOptions = true,
        description = "Run one prompt and write logits plus every hook point matching --names to a .safetensors file"
                + " (batch dimension of 1 kept), e.g. to read in Python with safetensors.torch.load_file.")
final class CacheCommand implements Runnable {

    @Mixin
    ModelOptions model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--text", description = "Prompt text.")
        String text;

        @Option(names = "--ids", split = ",", description = "Token ids, comma separated.")
        long[] ids;
    }

    @Option(names = "--names", defaultValue = ".*", paramLabel = "REGEX",
            description = "Hook points to write: a regex the whole name must match (default: all).")
    String names;

    @Option(names = "--prepend-bos", description = "Put the BOS token before --text.")
    boolean prependBos;

    @Option(names = "--out", required = true, paramLabel = "FILE.safetensors", description = "Output file (written atomically).")
    Path out;

    @Override
    public void run() {
        Pattern regex;
        try {
            regex = Pattern.compile(names);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("--names is not a valid regex: " + e.getDescription());
        }
        try (HookedTransformer m = model.load(); NDManager manager = NDManager.newBaseManager(m.device())) {
            List<String> hooks = m.hookNames().matching(regex);
            long[] ids = input.ids != null ? input.ids : m.tokenizer().encode(input.text, prependBos);
            checkIds(m, ids);
            try (ForwardResult r = m.run(manager, m.tokens(manager, ids), RunOptions.defaults().caching(regex))) {
                Map<String, NDArray> tensors = new LinkedHashMap<>();
                tensors.put("logits", r.output());
                hooks.forEach(h -> tensors.put(h, r.cache().get(h)));
                ActivationExport.write(out, tensors);
                System.out.println("wrote " + out + ": logits " + r.output().getShape() + " and " + hooks.size()
                        + " hook points for " + ids.length + " tokens");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    private static void checkIds(HookedTransformer m, long[] ids) {
        if (ids.length == 0) {
            throw new IllegalArgumentException("no tokens: give a non-empty --text or --ids");
        }
        for (long id : ids) {
            if (id < 0 || id >= m.config().vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " in " + Arrays.toString(ids)
                        + " is outside the vocabulary 0.." + (m.config().vocabSize() - 1));
            }
        }
    }
}
