package lab.harness.config;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/**
 * The canonical text of a JSON value and its SHA-256, so that two configs that mean the same hash
 * the same: object keys sorted (by UTF-16 code units, as RFC 8785), no whitespace, numbers by
 * value ({@code 1}, {@code 1.0} and {@code 1e0} are all {@code 1}; {@code 0.50} is {@code 0.5}),
 * strings escaped as JSON. Array order is kept (it carries meaning).
 */
public final class CanonicalJson {

    private CanonicalJson() {
    }

    public static String of(JsonNode value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    /** Lower-case hex SHA-256 of the canonical UTF-8 text. */
    public static String sha256(JsonNode value) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(of(value).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The first 8 hex digits of {@link #sha256}, as used in run directory names. */
    public static String shortHash(String sha256) {
        return sha256.substring(0, 8);
    }

    private static void write(JsonNode node, StringBuilder out) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                List<String> keys = new ArrayList<>();
                for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                    keys.add(it.next());
                }
                keys.sort(null);
                out.append('{');
                for (int i = 0; i < keys.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    string(keys.get(i), out);
                    out.append(':');
                    write(node.get(keys.get(i)), out);
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(node.get(i), out);
                }
                out.append(']');
            }
            case STRING -> string(node.textValue(), out);
            case NUMBER -> out.append(number(node));
            case BOOLEAN -> out.append(node.booleanValue());
            case NULL -> out.append("null");
            default -> throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
        }
    }

    /** A number by value: integral values without a fraction, others in plain decimal notation. */
    static String number(JsonNode node) {
        BigDecimal value = node.isBigDecimal() || node.isBigInteger() || node.isIntegralNumber()
                ? new BigDecimal(node.asText())
                : BigDecimal.valueOf(node.doubleValue());
        if (value.signum() == 0) {
            return "0";
        }
        value = value.stripTrailingZeros();
        return value.scale() <= 0 ? value.toBigIntegerExact().toString() : value.toPlainString();
    }

    private static void string(String s, StringBuilder out) {
        out.append('"').append(JsonStringEncoder.getInstance().quoteAsString(s)).append('"');
    }
}
