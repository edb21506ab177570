package lab.sae;

import java.util.Arrays;
import java.util.Locale;

/** The SAE architectures the lab reads, writes and trains, by their SAELens names. */
public enum SaeArchitecture {
    /** ReLU of the pre-activations. */
    STANDARD,
    /** The k largest pre-activations per token (chosen before the ReLU), then ReLU; the rest zero. */
    TOPK;

    /** SAELens's spelling ({@code "standard"}, {@code "topk"}). */
    public String saeLensName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @param where the file or config key, for the error message */
    public static SaeArchitecture parse(String name, String where) {
        for (SaeArchitecture a : values()) {
            if (a.saeLensName().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException(where + ": architecture '" + name + "' is not supported; known: "
                + Arrays.stream(values()).map(SaeArchitecture::saeLensName).toList()
                + " (SAELens's gated and jumprelu SAEs are not read)");
    }
}
