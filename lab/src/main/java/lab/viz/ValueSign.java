package lab.viz;

/** Whether a map's values can be negative; picks its colour scale ({@link ColorScale#forMap}). */
public enum ValueSign {
    /** Signed values (effects, differences): diverging scale centred on zero. */
    SIGNED,
    /** Values never below zero (divergences, rates): sequential scale from zero. */
    NON_NEGATIVE
}
