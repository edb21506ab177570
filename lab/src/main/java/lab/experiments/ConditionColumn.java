package lab.experiments;

/** A column that identifies a condition (e.g. layer, head, scale), with the type of its values. */
public record ConditionColumn(String name, Kind kind) {

    /** Value types a condition column may hold. */
    public enum Kind { INT, DOUBLE, STRING }

    public static ConditionColumn integer(String name) {
        return new ConditionColumn(name, Kind.INT);
    }

    public static ConditionColumn number(String name) {
        return new ConditionColumn(name, Kind.DOUBLE);
    }

    public static ConditionColumn text(String name) {
        return new ConditionColumn(name, Kind.STRING);
    }
}
