package lab.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MlflowNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"lr", "model.n_layers", "train/loss", "a b", "ratio:kept", "x-y_z.1",
            "ablation/heads/3", "größe", "a/..b/c..."})
    void acceptsKeysMlflowAccepts(String key) {
        assertNull(MlflowNames.keyProblem(key));
        assertEquals(key, MlflowNames.checkKey("param", key));
    }

    @Test
    void rejectsBadCharacterNamingKeyAndCharacter() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> MlflowNames.checkKey("param", "heads[3]"));
        assertEquals("invalid MLflow param key 'heads[3]': character '[' (U+005B) is not allowed; "
                + "keys may only contain letters, digits, underscores, dashes, periods, spaces, "
                + "slashes and colons", e.getMessage());
    }

    @Test
    void rejectsPathLikeKeysThatMlflowWouldNormalize() {
        assertEquals("must not start with '/'", MlflowNames.keyProblem("/abs"));
        assertEquals("must not start with '..'", MlflowNames.keyProblem("..x"));
        assertEquals("must not start with '..'", MlflowNames.keyProblem("...a"));
        assertEquals("must not contain '//' or end with '/'", MlflowNames.keyProblem("a//b"));
        assertEquals("must not contain '//' or end with '/'", MlflowNames.keyProblem("a/"));
        assertEquals("must not contain a '.' path segment", MlflowNames.keyProblem("a/./b"));
        assertEquals("must not contain a '..' path segment", MlflowNames.keyProblem("a/../b"));
        assertEquals("must not contain a '.' path segment", MlflowNames.keyProblem("."));
        assertEquals("a key must not be empty", MlflowNames.keyProblem(""));
        assertEquals("a key must not be empty", MlflowNames.keyProblem(null));
    }

    @Test
    void rejectsKeysLongerThan250CodePoints() {
        assertNull(MlflowNames.keyProblem("k".repeat(250)));
        assertEquals("longer than 250 characters (251)", MlflowNames.keyProblem("k".repeat(251)));
        // 250 letters outside the BMP are 500 UTF-16 chars but 250 characters to MLflow
        assertNull(MlflowNames.keyProblem("\uD835\uDC9C".repeat(250)));
    }

    @Test
    void sanitizeMakesAnyStringAValidKey() {
        assertEquals("heads_3_", MlflowNames.sanitizeKey("heads[3]"));
        assertEquals("a/b/_/c", MlflowNames.sanitizeKey("/a//b/../c/"));
        assertEquals("_", MlflowNames.sanitizeKey(""));
        assertEquals("_.x", MlflowNames.sanitizeKey("..x"));
        String longKey = MlflowNames.sanitizeKey("x".repeat(249) + "/yy");
        assertEquals("x".repeat(249), longKey);
        for (String raw : new String[] {"é€$%^", "a/./b", "\n\t", "x".repeat(300)}) {
            assertNull(MlflowNames.keyProblem(MlflowNames.sanitizeKey(raw)), raw);
        }
    }

    @Test
    void longValuesAreTruncatedWithAMarkerToTheLimit() {
        String value = "v".repeat(7000);
        String fitted = MlflowNames.fitValue("param", "p", value, 6000);
        assertEquals(6000, fitted.length());
        assertTrue(fitted.endsWith("...[truncated: 7000 chars]"), fitted.substring(5950));
        assertTrue(fitted.startsWith("v".repeat(5000)));
        assertEquals("short", MlflowNames.fitValue("param", "p", "short", 6000));
        String exact = "t".repeat(8000);
        assertEquals(exact, MlflowNames.checkTags(Map.of("t", exact)).get("t"));
        assertEquals(8000, MlflowNames.checkTags(Map.of("t", exact + "x")).get("t").length());
    }

    @Test
    void nullValuesAreRefusedWithTheKey() {
        var params = new java.util.HashMap<String, String>();
        params.put("seed", null);
        var e = assertThrows(IllegalArgumentException.class, () -> MlflowNames.checkParams(params));
        assertEquals("MLflow param 'seed' has a null value", e.getMessage());
    }

    @Test
    void experimentNamesAreLimitedTo500() {
        assertEquals("e".repeat(500), MlflowNames.checkExperimentName("e".repeat(500)));
        assertThrows(IllegalArgumentException.class, () -> MlflowNames.checkExperimentName("e".repeat(501)));
        assertThrows(IllegalArgumentException.class, () -> MlflowNames.checkExperimentName(" "));
    }
}
