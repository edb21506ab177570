package lab.harness.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StudentTTest {

    /** Printed t-table values (3 decimals) for the 97.5% quantile, i.e. two-sided 95%. */
    @ParameterizedTest
    @CsvSource({"1, 12.706", "2, 4.303", "3, 3.182", "4, 2.776", "5, 2.571", "10, 2.228", "30, 2.042", "120, 1.980"})
    void matchesTableValues(int df, double expected) {
        assertEquals(expected, StudentT.quantile(0.975, df), 0.0005);
        assertEquals(expected, StudentT.twoSidedCritical(0.95, df), 0.0005);
    }

    @Test
    void matchesHighPrecisionReferenceValues() {
        // scipy.stats.t.ppf values.
        assertEquals(12.706204736174694, StudentT.quantile(0.975, 1), 1e-8);
        assertEquals(2.228138851986274, StudentT.quantile(0.975, 10), 1e-8);
        assertEquals(2.0150483733330233, StudentT.quantile(0.95, 5), 1e-8);
    }

    @Test
    void isAntisymmetricAndApproachesNormal() {
        assertEquals(-StudentT.quantile(0.9, 7), StudentT.quantile(0.1, 7), 1e-10);
        assertEquals(0.0, StudentT.quantile(0.5, 3), 1e-12);
        assertEquals(1.959964, StudentT.quantile(0.975, 1_000_000), 1e-5);
    }

    @Test
    void rejectsInvalidArguments() {
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(1.0, 3));
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(0.975, 0));
        assertThrows(IllegalArgumentException.class, () -> StudentT.twoSidedCritical(1.5, 3));
    }
}
