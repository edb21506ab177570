package lab.harness.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import lab.sae.RandomState;
import lab.sae.SparseAutoencoder;

/**
 * The checks {@link SaeTrainingStateFile} makes of a saved training state before a resume writes
 * anything: every tensor and state_json field the resume will consume is there, of the kind and
 * shape the training loop wrote, and consistent with the rest, so that a damaged or foreign file
 * is one error that names what is wrong, never a failure halfway through the resumed run. Each
 * check throws an {@link IllegalArgumentException} whose message says what it found.
 */
final class SaeTrainingStateCheck {

    /** The SAE's parameters by SAELens name, as {@link lab.sae.SparseAutoencoder#parameters()} gives them. */
    static final Set<String> PARAMETERS = Set.of(SparseAutoencoder.W_ENC, SparseAutoencoder.B_ENC, SparseAutoencoder.W_DEC,
            SparseAutoencoder.B_DEC);

    /** The saved SAE's sizes, read off W_enc. */
    record Dims(int dIn, int dSae) {
    }

    private SaeTrainingStateCheck() {
    }

    /** Every tensor name is one the state file is written with: a foreign file is refused by name. */
    static void onlyKnownTensors(Set<String> names, Set<String> others, String... groups) {
        for (String name : names) {
            boolean known = others.contains(name);
            for (String group : groups) {
                known |= name.startsWith(group) && PARAMETERS.contains(name.substring(group.length()));
            }
            if (!known) {
                throw new IllegalArgumentException("tensor '" + name + "' is not part of a training state");
            }
        }
    }

    /**
     * The four parameters under {@code group}, of consistent shapes, [d_in, d_sae], [d_sae], [d_sae, d_in] and
     * [d_in], float32, and d_sae that of the config where it is known.
     */
    static Dims parameters(Map<String, NDArray> all, String group, OptionalInt configDSae) {
        NDArray wEnc = tensor(all, group + "W_enc");
        Shape s = wEnc.getShape();
        if (s.dimension() != 2 || s.get(0) < 1 || s.get(1) < 1 || s.get(0) > Integer.MAX_VALUE || s.get(1) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor '" + group + "W_enc' has shape " + s + ", not [d_in, d_sae]");
        }
        Dims dims = new Dims((int) s.get(0), (int) s.get(1));
        if (configDSae.isPresent() && configDSae.getAsInt() != dims.dSae()) {
            throw new IllegalArgumentException("it holds an SAE of d_sae " + dims.dSae() + " but the run's config has d_sae "
                    + configDSae.getAsInt());
        }
        float32(all, group + "W_enc", dims.dIn(), dims.dSae());
        float32(all, group + "b_enc", dims.dSae());
        float32(all, group + "W_dec", dims.dSae(), dims.dIn());
        float32(all, group + "b_dec", dims.dIn());
        return dims;
    }

    /** Adam's moment of each parameter under {@code group}, of that parameter's shape. */
    static void moments(Map<String, NDArray> all, String params, String group) {
        for (String name : PARAMETERS) {
            float32(all, group + name, all.get(params + name).getShape().getShape());
        }
    }

    /** The float32 tensor {@code name} of shape {@code shape}. */
    static NDArray float32(Map<String, NDArray> all, String name, long... shape) {
        return typed(all, name, DataType.FLOAT32, shape);
    }

    /** The tensor {@code name} of data type {@code type} and shape {@code shape}. */
    static NDArray typed(Map<String, NDArray> all, String name, DataType type, long... shape) {
        NDArray a = tensor(all, name);
        if (a.getDataType() != type || !a.getShape().equals(new Shape(shape))) {
            throw new IllegalArgumentException("tensor '" + name + "' is " + a.getDataType() + " " + a.getShape() + ", not "
                    + type + " " + new Shape(shape));
        }
        return a;
    }

    static NDArray tensor(Map<String, NDArray> all, String name) {
        NDArray a = all.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no tensor '" + name + "'");
        }
        return a;
    }

    /** Each of {@code values} in [min, max] ({@code name} says whose in the error). */
    static long[] within(long[] values, long min, long max, String name) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] < min || values[i] > max) {
                throw new IllegalArgumentException(name + "[" + i + "] is " + values[i] + ", outside [" + min + ", " + max + "]");
            }
        }
        return values;
    }

    /** The state_json integer {@code field}, at least {@code min}; missing is an error, never a default. */
    static long integer(JsonNode n, String field, long min) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("state_json has " + (v == null ? "no '" + field + "'" : "'" + field + "': " + v
                    + ", not an integer"));
        }
        if (v.asLong() < min) {
            throw new IllegalArgumentException("state_json has '" + field + "': " + v + ", below " + min);
        }
        return v.asLong();
    }

    /** As {@link #integer}, within an int. */
    static int smallInteger(JsonNode n, String field, int min) {
        long v = integer(n, field, min);
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("state_json has '" + field + "': " + v + ", too large");
        }
        return (int) v;
    }

    /** The state_json number {@code field}, 0 or more (a time in seconds). */
    static double seconds(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isNumber() || !(v.asDouble() >= 0) || Double.isInfinite(v.asDouble())) {
            throw new IllegalArgumentException("state_json has " + (v == null ? "no '" + field + "'" : "'" + field + "': " + v
                    + ", not a number of seconds"));
        }
        return v.asDouble();
    }

    static boolean bool(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isBoolean()) {
            throw new IllegalArgumentException("state_json has " + (v == null ? "no '" + field + "'" : "'" + field + "': " + v
                    + ", not true or false"));
        }
        return v.asBoolean();
    }

    /** The state_json array {@code field}: a permutation of 0..length-1 (an epoch's text order). */
    static int[] permutation(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray()) {
            throw new IllegalArgumentException("state_json has " + (v == null ? "no '" + field + "'" : "'" + field
                    + "' that is not an array"));
        }
        int[] order = new int[v.size()];
        boolean[] seen = new boolean[order.length];
        for (int i = 0; i < order.length; i++) {
            JsonNode e = v.get(i);
            if (!e.canConvertToInt() || !e.isIntegralNumber() || e.asInt() < 0 || e.asInt() >= order.length || seen[e.asInt()]) {
                throw new IllegalArgumentException("state_json '" + field + "' is not a permutation of 0.." + (order.length - 1)
                        + " (element " + i + " is " + e + ")");
            }
            order[i] = e.asInt();
            seen[order[i]] = true;
        }
        return order;
    }

    /** The state_json base64 text {@code field}, the bytes of a saved java.util.Random ({@link RandomState}). */
    static byte[] random(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("state_json has " + (v == null ? "no '" + field + "'" : "'" + field
                    + "' that is not base64 text"));
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(v.asText());
            RandomState.load(bytes);
            return bytes;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("state_json '" + field + "' is not a saved java.util.Random: " + e.getMessage(), e);
        }
    }
}
