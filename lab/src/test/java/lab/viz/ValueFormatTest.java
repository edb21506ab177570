package lab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ValueFormatTest {

    @Test
    void roundsToSignificantDigitsWithoutTrailingZeros() {
        assertEquals("3.215", ValueFormat.format(3.2145));
        assertEquals("0.5", ValueFormat.format(0.5));
        assertEquals("-0.4123", ValueFormat.format(-0.41234));
        assertEquals("1235", ValueFormat.format(1234.5));
        assertEquals("2", ValueFormat.format(2.0));
        assertEquals("0", ValueFormat.format(0.0));
        assertEquals("0.12346", ValueFormat.format(0.123456, 5));
    }

    @Test
    void extremeMagnitudesUseScientificNotation() {
        assertEquals("1.235e-05", ValueFormat.format(0.000012345));
        assertEquals("-2.500e+07", ValueFormat.format(-2.5e7));
    }

    @Test
    void missingAndExactForms() {
        assertEquals("n/a", ValueFormat.format(Double.NaN));
        assertEquals("NaN", ValueFormat.exact(Double.NaN));
        assertEquals(0.1 + 0.2, Double.parseDouble(ValueFormat.exact(0.1 + 0.2)));
    }
}
