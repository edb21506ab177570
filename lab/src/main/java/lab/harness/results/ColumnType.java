package lab.harness.results;

/**
 * The value types a results column may hold. Deliberately few: each maps to one Parquet physical
 * type (plus the STRING logical annotation for text) that DuckDB, pandas and polars all read
 * without custom converters.
 */
public enum ColumnType {
    /** 32-bit signed integer (Java {@link Integer}); seeds, layers, heads, positions. */
    INT32(Integer.class),
    /** 64-bit signed integer (Java {@link Long}); counts and token ids that may exceed 2^31. */
    INT64(Long.class),
    /** IEEE double (Java {@link Double}); metrics. NaN is a legal value, distinct from null. */
    DOUBLE(Double.class),
    /** UTF-8 text (Java {@link String}); written with the STRING logical type. */
    STRING(String.class),
    /** Java {@link Boolean}; per-example binary outcomes such as "prediction correct". */
    BOOLEAN(Boolean.class);

    private final Class<?> javaType;

    ColumnType(Class<?> javaType) {
        this.javaType = javaType;
    }

    /** The boxed Java class a non-null value of this column must have. */
    public Class<?> javaType() {
        return javaType;
    }

    /**
     * Converts {@code value} to this type's Java class, accepting only lossless widenings (an
     * Integer into INT64, an int/long/float into DOUBLE when exact) so that a caller's typo such as
     * putting a double into an INT32 layer column fails loudly instead of being truncated.
     *
     * @throws IllegalArgumentException if the value cannot be represented exactly
     */
    public Object coerce(Object value) {
        if (value == null || javaType.isInstance(value)) {
            return value;
        }
        switch (this) {
            case INT64:
                if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
                    return ((Number) value).longValue();
                }
                break;
            case INT32:
                if (value instanceof Short || value instanceof Byte) {
                    return ((Number) value).intValue();
                }
                break;
            case DOUBLE:
                if (value instanceof Float) {
                    return ((Float) value).doubleValue();
                }
                if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
                    return ((Number) value).doubleValue();
                }
                if (value instanceof Long) {
                    long l = (Long) value;
                    double d = (double) l;
                    // 2^63 rounds up and overflows back to Long.MAX_VALUE, so check the double's range too.
                    if (d >= -0x1p63 && d < 0x1p63 && (long) d == l) {
                        return d;
                    }
                }
                break;
            default:
                break;
        }
        throw new IllegalArgumentException(
                "a " + this + " column cannot hold " + value.getClass().getSimpleName() + " value " + value);
    }
}
