package lab.sae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Damaged bytes are one IllegalArgumentException, whatever ObjectInputStream throws on them. */
class RandomStateTest {

    /**
     * A saved Random (seed 3) with a byte or two changed, found by mutating it at random: ObjectInputStream throws a
     * NullPointerException on the first (a damaged type code) and a NegativeArraySizeException on the second (a
     * damaged block length), neither an IOException.
     */
    private static final String[] RUNTIME_FAILURES = {
        "rO0ABXNyABBqYXZhLnV0aWwuO2FuZG9tNjKWNEvwClMDAANaABRoYXZlTmV4dE5leHRHYXVzc2lhbkQAEG5leHROZXh0R2F1c3NpYW5KAARzZWVkfnAAAAAAAAAAAAAAAAAF3uzmbng=",
        "rO0ABXNyABBqYXZhLnV0aWwuUmFuZG9tmTKWNEvwClMDAANaABRoYXZlTmV4dE5leHRHYXVzc2lhbkQAEG5leHROZXh0R2F1c3NpYW5KAARzZWVkfeoAAAAAAAAAAAAAAAAF3uzmbng=",
    };

    @Test
    void runtimeFailuresOfTheStreamAreOneIllegalArgumentException() {
        String[] kinds = {"java.lang.NullPointerException", "java.lang.NegativeArraySizeException"};
        for (int i = 0; i < RUNTIME_FAILURES.length; i++) {
            byte[] bytes = Base64.getDecoder().decode(RUNTIME_FAILURES[i]);
            var e = assertThrows(IllegalArgumentException.class, () -> RandomState.load(bytes));
            assertTrue(e.getMessage().startsWith("a saved random state cannot be read (" + kinds[i]), e.getMessage());
        }
    }

    @Test
    void theUndamagedBytesAreStillASeed3Random() {
        byte[] saved = RandomState.save(new Random(3));
        assertEquals(new Random(3).nextLong(), RandomState.load(saved).nextLong());
        var nothing = assertThrows(IllegalArgumentException.class, () -> RandomState.load(new byte[0]));
        assertTrue(nothing.getMessage().startsWith("a saved random state cannot be read (java.io.EOFException"),
                nothing.getMessage());
    }
}
