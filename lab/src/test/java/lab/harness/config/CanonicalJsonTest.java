package lab.harness.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    private static JsonNode json(String text) {
        return JsonDocument.parse("test", text).root();
    }

    @Test
    void keysSortedNumbersByValueNoWhitespace() {
        assertEquals("{\"a\":[1,0.5,-2,0,1000,0.001],\"b\":{\"x\":\"q\\\"\",\"y\":null},\"c\":true}",
                CanonicalJson.of(json("{\"c\": true, \"b\": {\"y\": null, \"x\": \"q\\\"\"},"
                        + " \"a\": [1.0, 0.50, -2, -0.0, 1e3, 1E-3]}")));
    }

    @Test
    void hashIgnoresKeyOrderAndNumberSpelling() {
        String a = CanonicalJson.sha256(json("{\"name\": \"x\", \"experiment\": {\"type\": \"heads_zero\", \"scales\": [0, 0.5]}}"));
        String b = CanonicalJson.sha256(json("{\"experiment\": {\"scales\": [0.0, 5e-1], \"type\": \"heads_zero\"}, \"name\": \"x\"}"));
        assertEquals(a, b);
        assertEquals(64, a.length());
        assertEquals(a.substring(0, 8), CanonicalJson.shortHash(a));
    }

    @Test
    void hashChangesWithAnyValueAndWithArrayOrder() {
        String base = CanonicalJson.sha256(json("{\"seeds\": [0, 1], \"s\": 0.5}"));
        assertNotEquals(base, CanonicalJson.sha256(json("{\"seeds\": [0, 1], \"s\": 0.25}")));
        assertNotEquals(base, CanonicalJson.sha256(json("{\"seeds\": [1, 0], \"s\": 0.5}")));
        assertNotEquals(base, CanonicalJson.sha256(json("{\"seeds\": [0, 1], \"s\": \"0.5\"}")));
    }

    @Test
    void knownDigest() {
        // printf '%s' '{"a":1}' | sha256sum
        assertEquals("015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862",
                CanonicalJson.sha256(json("{ \"a\" : 1.0 }")));
    }
}
