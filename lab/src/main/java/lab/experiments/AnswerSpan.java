package lab.experiments;

/**
 * How a run reads answers ({@code span} on the config's data or experiment): {@code single}, the
 * default, requires one-token target and foil; {@code full} scores answers of any length by their
 * summed log-probability under teacher forcing.
 */
public enum AnswerSpan {
    SINGLE("single"),
    FULL("full");

    private final String configName;

    AnswerSpan(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** @param name the config's value; null means the default, single */
    public static AnswerSpan parse(String name) {
        if (name == null) {
            return SINGLE;
        }
        for (AnswerSpan s : values()) {
            if (s.configName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("span is '" + name + "'; use \"single\" (one-token answers) or \"full\""
                + " (answers of several tokens, scored by summed log-probability)");
    }
}
