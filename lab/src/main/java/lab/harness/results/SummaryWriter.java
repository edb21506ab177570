package lab.harness.results;

import lab.io.AtomicFiles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link Summary} as {@code summary.json} and {@code summary.csv}, each atomically (see
 * {@link AtomicFiles}). The two files are replaced one after the other, not as a pair.
 *
 * <p>Non-finite numbers: JSON has no NaN, so every NaN (e.g. the CI of a one-seed run) is written
 * as null; the CSV leaves the cell empty, which pandas and polars read as missing. Infinite means
 * are written as null / empty too rather than as non-standard tokens.
 *
 * <p>CSV layout (long format, one line per condition x metric): the condition columns, then
 * {@value #CSV_STATS}. RFC 4180 quoting, UTF-8, '\n' line ends.
 */
public final class SummaryWriter {

    public static final String JSON_FILE = "summary.json";
    public static final String CSV_FILE = "summary.csv";
    static final String CSV_STATS = "metric,mean,std,n_seeds,n_examples,ci_low,ci_high";
    private static final List<String> STAT_COLUMNS = List.of(CSV_STATS.split(","));

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SummaryWriter() {
    }

    /** Writes both files into {@code directory} (created if needed). */
    public static void write(Summary summary, Path directory) throws IOException {
        write(summary, directory, Map.of());
    }

    /** As {@link #write(Summary, Path)}, with run-level entries (e.g. {@code calibration}) added to summary.json after the notes. */
    public static void write(Summary summary, Path directory, Map<String, Object> extra) throws IOException {
        AtomicFiles.writeString(directory.resolve(JSON_FILE), toJson(summary, extra));
        AtomicFiles.writeString(directory.resolve(CSV_FILE), toCsv(summary));
    }

    public static String toJson(Summary summary) {
        return toJson(summary, Map.of());
    }

    public static String toJson(Summary summary, Map<String, Object> extra) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("definition", SeedLevelSummarizer.DEFINITION);
        root.put("confidence_level", summary.confidenceLevel());
        root.put("interval", "student_t");
        root.put("n_unit", "seed");
        root.put("condition_columns", summary.conditionColumns());
        root.put("metrics", summary.metrics());
        root.put("notes", summary.notes());
        extra.forEach((key, value) -> {
            if (root.containsKey(key) || key.equals("rows")) {
                throw new IllegalArgumentException("summary entry '" + key + "' clashes with one summary.json has");
            }
            root.put(key, value);
        });
        List<Map<String, Object>> rows = new ArrayList<>();
        for (SummaryRow r : summary.rows()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("condition", r.condition());
            row.put("metric", r.metric());
            row.put("mean", finiteOrNull(r.mean()));
            row.put("std", finiteOrNull(r.std()));
            row.put("n_seeds", r.nSeeds());
            row.put("n_examples", r.nExamples());
            row.put("ci_low", finiteOrNull(r.ciLow()));
            row.put("ci_high", finiteOrNull(r.ciHigh()));
            rows.add(row);
        }
        root.put("rows", rows);
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise summary", e);
        }
    }

    public static String toCsv(Summary summary) {
        for (String key : summary.conditionColumns()) {
            if (STAT_COLUMNS.contains(key)) {
                throw new IllegalArgumentException("condition column '" + key + "' clashes with a summary.csv column");
            }
        }
        StringBuilder csv = new StringBuilder();
        List<String> header = new ArrayList<>(summary.conditionColumns());
        header.addAll(STAT_COLUMNS);
        appendLine(csv, header);
        for (SummaryRow r : summary.rows()) {
            List<String> cells = new ArrayList<>();
            for (String key : summary.conditionColumns()) {
                Object v = r.condition().get(key);
                cells.add(v == null ? "" : v instanceof Double d ? number(d) : v.toString());
            }
            cells.add(r.metric());
            cells.add(number(r.mean()));
            cells.add(number(r.std()));
            cells.add(Integer.toString(r.nSeeds()));
            cells.add(Long.toString(r.nExamples()));
            cells.add(number(r.ciLow()));
            cells.add(number(r.ciHigh()));
            appendLine(csv, cells);
        }
        return csv.toString();
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** Shortest round-tripping decimal (Double.toString), empty for NaN/infinite. */
    private static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }

    private static void appendLine(StringBuilder csv, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                csv.append(',');
            }
            csv.append(quote(cells.get(i)));
        }
        csv.append('\n');
    }

    private static String quote(String cell) {
        boolean needsQuotes = cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0
                || cell.indexOf('\n') >= 0 || cell.indexOf('\r') >= 0;
        return needsQuotes ? '"' + cell.replace("\"", "\"\"") + '"' : cell;
    }
}
