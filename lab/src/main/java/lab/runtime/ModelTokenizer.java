package lab.runtime;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A model's tokenizer.json through DJL's HuggingFace tokenizers, with truncation and padding off
 * (DJL truncates to 512 tokens by default) and no special tokens added: BOS is ours to prepend.
 */
public final class ModelTokenizer implements AutoCloseable {

    private static final List<String> BOS_CANDIDATES = List.of("<|endoftext|>", "<s>", "<|begin_of_text|>", "<bos>");

    private final HuggingFaceTokenizer tokenizer;
    private final long bosId;

    private ModelTokenizer(HuggingFaceTokenizer tokenizer, long bosId) {
        this.tokenizer = tokenizer;
        this.bosId = bosId;
    }

    /**
     * @param file tokenizer.json
     * @param configBosId the id config.json gives for BOS, or -1; ignored when outside the vocabulary
     *     (the tiny fixtures keep GPT-2's 50256 with a 384-token vocabulary)
     * @param vocabSize the model's vocabulary size
     */
    public static ModelTokenizer load(Path file, long configBosId, int vocabSize) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no tokenizer at " + file + ": the model folder needs a tokenizer.json"
                    + " as HF saves it (tokenizer.save_pretrained)");
        }
        HuggingFaceTokenizer hf;
        try {
            hf = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(file)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read tokenizer " + file + ": " + e.getMessage()
                    + " (is it a HF tokenizers tokenizer.json?)", e);
        }
        long bos = configBosId >= 0 && configBosId < vocabSize ? configBosId : findBos(hf);
        return new ModelTokenizer(hf, bos);
    }

    private static long findBos(HuggingFaceTokenizer hf) {
        for (String candidate : BOS_CANDIDATES) {
            Encoding e = hf.encode(candidate);
            if (e.getIds().length == 1 && candidate.equals(e.getTokens()[0])) {
                return e.getIds()[0];
            }
        }
        return -1;
    }

    /** Token ids of {@code text}, without BOS. */
    public long[] encode(String text) {
        return tokenizer.encode(text).getIds();
    }

    /** Token ids of {@code text}, with BOS first if asked. */
    public long[] encode(String text, boolean prependBos) {
        long[] ids = encode(text);
        if (!prependBos) {
            return ids;
        }
        long[] withBos = new long[ids.length + 1];
        withBos[0] = bosId();
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        return withBos;
    }

    /** Token strings of {@code text} as the vocabulary spells them (GPT-2: "Ġworld"). */
    public String[] tokens(String text) {
        return tokenizer.encode(text).getTokens();
    }

    public String decode(long[] ids) {
        return tokenizer.decode(ids, false);
    }

    public long bosId() {
        if (bosId < 0) {
            throw new IllegalStateException("this tokenizer has no BOS token (config.json bos_token_id is missing or"
                    + " outside the vocabulary, and none of " + BOS_CANDIDATES + " is a single token);"
                    + " set prepend_bos to false");
        }
        return bosId;
    }

    /**
     * The id of {@code text} if it is exactly one token; otherwise an error that shows its tokens.
     *
     * @param role what the text is for ("target", "foil"), for the message
     */
    public long singleToken(String text, String role) {
        Encoding e = tokenizer.encode(text);
        if (e.getIds().length != 1) {
            throw new NotSingleTokenException(role, text, e.getTokens(), e.getIds());
        }
        return e.getIds()[0];
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    /** A target or foil that the tokenizer splits into several tokens (or none). */
    public static final class NotSingleTokenException extends IllegalArgumentException {
        public NotSingleTokenException(String role, String text, String[] tokens, long[] ids) {
            super(role + " '" + text + "' is " + ids.length + " tokens, not one: " + Arrays.toString(tokens)
                    + " = " + Arrays.toString(ids) + ". Pick a " + role + " that is a single token"
                    + " (for GPT-2-style tokenizers a word usually needs its leading space, e.g. ' Mary')");
        }
    }

}
