package lab.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.runtime.ModelTokenizer;
import lab.runtime.loading.HfConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code harness tokenize}: text to ids and token strings; the folder needs only tokenizer.json. */
@Command(name = "tokenize", mixinStandardHelpOptions = true, description = "Tokenize text with a model's tokenizer.json.")
final class TokenizeCommand implements Runnable {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Folder holding tokenizer.json.")
    Path dir;

    @Option(names = "--text", required = true, description = "Text to tokenize.")
    String text;

    @Option(names = "--prepend-bos", description = "Put the BOS token first.")
    boolean prependBos;

    @Option(names = "--json", description = "Print {\"ids\": [...], \"tokens\": [...]}.")
    boolean json;

    @Override
    public void run() {
        HfConfig config = Files.isRegularFile(dir.resolve("config.json")) ? HfConfig.read(dir.resolve("config.json")) : null;
        long bos = config == null ? -1 : config.integer("bos_token_id", -1);
        int vocab = config == null ? Integer.MAX_VALUE : config.integer("vocab_size", Integer.MAX_VALUE);
        try (ModelTokenizer tok = ModelTokenizer.load(dir.resolve("tokenizer.json"), bos, vocab)) {
            long[] ids = tok.encode(text, prependBos);
            String[] tokens = prependBos ? prepend(tok.decode(new long[] {tok.bosId()}), tok.tokens(text)) : tok.tokens(text);
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("ids", ids);
                out.put("tokens", tokens);
                System.out.println(Json.pretty(out));
                return;
            }
            for (int i = 0; i < ids.length; i++) {
                System.out.printf("%6d  %s%n", ids[i], tokens[i]);
            }
        }
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
