package lab.tracking;

import java.io.File;
import java.util.Map;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MLflow's rules for keys and values (mlflow/utils/validation.py), applied before anything is
 * written so the file store and the REST server accept or refuse the same input, and so a bad key
 * fails at the call that passed it rather than as an HTTP 400 or an unreadable store later.
 *
 * <p>Keys are refused, not silently rewritten: two config keys that sanitize to the same name
 * would otherwise overwrite each other. Callers that want rewriting call {@link #sanitizeKey}
 * themselves. Values over MLflow's limits are truncated, with a marker saying so, because MLflow
 * itself truncates them by default and losing a whole run to one over-long value is worse.
 * Lengths count code points, as Python's {@code len} does.
 */
public final class MlflowNames {

    public static final int MAX_KEY_LENGTH = 250;
    public static final int MAX_PARAM_VALUE_LENGTH = 6000;
    public static final int MAX_TAG_VALUE_LENGTH = 8000;
    public static final int MAX_EXPERIMENT_NAME_LENGTH = 500;

    private static final Logger log = LoggerFactory.getLogger(MlflowNames.class);

    // MLflow refuses ':' in keys on Windows, where it cannot be part of a file name.
    private static final boolean WINDOWS = File.separatorChar == '\\';

    private MlflowNames() {
    }

    /**
     * Returns {@code key} if MLflow accepts it as a param, metric or tag key.
     *
     * @param kind "param", "metric" or "tag", for the error message
     * @throws IllegalArgumentException naming the key and what is wrong with it
     */
    public static String checkKey(String kind, String key) {
        String problem = keyProblem(key);
        if (problem != null) {
            throw new IllegalArgumentException(
                    "invalid MLflow " + kind + " key " + quote(key) + ": " + problem);
        }
        return key;
    }

    /** Null if MLflow accepts {@code key}, else why not. */
    static String keyProblem(String key) {
        if (key == null || key.isEmpty()) {
            return "a key must not be empty";
        }
        int length = key.codePointCount(0, key.length());
        if (length > MAX_KEY_LENGTH) {
            return "longer than " + MAX_KEY_LENGTH + " characters (" + length + ")";
        }
        int bad = key.codePoints().filter(cp -> !isKeyChar(cp)).findFirst().orElse(-1);
        if (bad >= 0) {
            return "character " + describe(bad) + " is not allowed; keys may only contain letters, "
                    + "digits, underscores, dashes, periods, spaces, slashes"
                    + (WINDOWS ? "" : " and colons");
        }
        // Keys become file paths in the file store; MLflow refuses any key that a path
        // normalization would change (posixpath.normpath(key) != key) or that leaves its folder.
        if (key.startsWith("/")) {
            return "must not start with '/'";
        }
        if (key.startsWith("..")) {
            return "must not start with '..'";
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty()) {
                return "must not contain '//' or end with '/'";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "must not contain a '" + segment + "' path segment";
            }
        }
        return null;
    }

    private static boolean isKeyChar(int cp) {
        // Python's \w on str: letters, digits and other numerals, underscore.
        if (Character.isLetter(cp) || Character.isDigit(cp) || cp == '_') {
            return true;
        }
        int type = Character.getType(cp);
        if (type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER) {
            return true;
        }
        return cp == '/' || cp == '.' || cp == '-' || cp == ' ' || (cp == ':' && !WINDOWS);
    }

    /**
     * A key MLflow accepts, made from any string: disallowed characters become '_', empty,
     * "." and ".." path segments are dropped or replaced, and the result is cut to
     * {@value #MAX_KEY_LENGTH} characters. Distinct inputs can map to the same key.
     */
    public static String sanitizeKey(String raw) {
        StringBuilder chars = new StringBuilder();
        (raw == null ? "" : raw).codePoints()
                .forEach(cp -> chars.appendCodePoint(isKeyChar(cp) ? cp : '_'));
        StringBuilder out = new StringBuilder();
        for (String segment : chars.toString().split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.equals(".") || segment.equals("..")) {
                segment = "_";
            }
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(segment);
        }
        String key = out.length() == 0 ? "_" : out.toString();
        if (key.startsWith("..")) {
            key = "_" + key.substring(1);
        }
        if (key.codePointCount(0, key.length()) > MAX_KEY_LENGTH) {
            key = key.substring(0, key.offsetByCodePoints(0, MAX_KEY_LENGTH));
            // cutting may leave a trailing '/' or a final "." / ".." segment
            while (keyProblem(key) != null) {
                key = key.substring(0, key.length() - 1);
            }
        }
        return key;
    }

    /** Checks every key and fits every value of params, keeping iteration order stable. */
    static Map<String, String> checkParams(Map<String, String> params) {
        return checkEntries("param", params, MAX_PARAM_VALUE_LENGTH);
    }

    static Map<String, String> checkTags(Map<String, String> tags) {
        return checkEntries("tag", tags, MAX_TAG_VALUE_LENGTH);
    }

    private static Map<String, String> checkEntries(String kind, Map<String, String> entries,
            int valueLimit) {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : entries.entrySet()) {
            checkKey(kind, e.getKey());
            if (e.getValue() == null) {
                throw new IllegalArgumentException(
                        "MLflow " + kind + " " + quote(e.getKey()) + " has a null value");
            }
            out.put(e.getKey(), fitValue(kind, e.getKey(), e.getValue(), valueLimit));
        }
        return out;
    }

    /**
     * {@code value} itself when within {@code limit} code points; otherwise its start followed by
     * a marker such as {@code "...[truncated: 7000 chars]"}, the whole at most {@code limit} long.
     * Deterministic, so logging the same over-long param twice stays consistent.
     */
    static String fitValue(String kind, String key, String value, int limit) {
        int length = value.codePointCount(0, value.length());
        if (length <= limit) {
            return value;
        }
        String marker = "...[truncated: " + length + " chars]";
        int keep = limit - marker.length();
        String cut = value.substring(0, value.offsetByCodePoints(0, keep)) + marker;
        log.warn("MLflow {} {}: value of {} characters truncated to the limit of {}",
                kind, quote(key), length, limit);
        return cut;
    }

    /** Returns the name if MLflow accepts it as an experiment name. */
    static String checkExperimentName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("MLflow experiment name must not be blank");
        }
        int length = name.codePointCount(0, name.length());
        if (length > MAX_EXPERIMENT_NAME_LENGTH) {
            throw new IllegalArgumentException("MLflow experiment name " + quote(name)
                    + " is longer than " + MAX_EXPERIMENT_NAME_LENGTH + " characters (" + length + ")");
        }
        return name;
    }

    private static String describe(int cp) {
        return String.format("'%s' (U+%04X)", new String(Character.toChars(cp)), cp);
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
