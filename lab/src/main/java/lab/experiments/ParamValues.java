package lab.experiments;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Reads an experiment parameter that names one of a fixed set of options. */
public final class ParamValues {

    private ParamValues() {
    }

    /** The option whose label is {@code value}; an error naming the key and every label otherwise. */
    public static <E> E oneOf(String key, String value, E[] options, Function<E, String> label, String... alsoAccepted) {
        for (E option : options) {
            if (label.apply(option).equals(value)) {
                return option;
            }
        }
        String known = Arrays.stream(options).map(label).map(l -> "\"" + l + "\"").collect(Collectors.joining(", "));
        String more = Arrays.stream(alsoAccepted).map(l -> " or \"" + l + "\"").collect(Collectors.joining());
        throw new IllegalArgumentException("experiment." + key + " is '" + value + "'; use one of " + known + more);
    }
}
