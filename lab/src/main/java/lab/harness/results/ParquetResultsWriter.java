package lab.harness.results;

import lab.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/**
 * Writes a results table to one Parquet file, atomically (see {@link AtomicFiles}): an interrupted
 * or failed write leaves any earlier {@code results.parquet} intact.
 *
 * <p>Writes through Parquet's {@link LocalOutputFile} and a {@link PlainParquetConfiguration}, so
 * no Hadoop FileSystem is created (no CRC side files, no native-library probing, no
 * core-site.xml lookup). Parquet cannot append to a closed file, so each call rewrites the whole
 * file from the rows given; results tables are small (thousands of rows), which keeps that cheap.
 */
public final class ParquetResultsWriter {

    /** The file name the harness uses for a run's per-example table. */
    public static final String FILE_NAME = "results.parquet";

    private ParquetResultsWriter() {
    }

    /** Writes a snapshot of {@code table}'s current rows to {@code target}. */
    public static void write(ResultsTable table, Path target) throws IOException {
        write(table.schema(), table.rows(), target);
    }

    /** Writes {@code rows} (all built against {@code schema}) to {@code target}. */
    public static void write(ResultsSchema schema, List<ResultRow> rows, Path target) throws IOException {
        for (ResultRow row : rows) {
            if (!row.schema().equals(schema)) {
                throw new IllegalArgumentException("row schema differs from the schema being written: " + row);
            }
        }
        AtomicFiles.writeFile(target, temp -> writeFile(schema, rows, temp));
    }

    private static void writeFile(ResultsSchema schema, List<ResultRow> rows, Path file) throws IOException {
        try (ParquetWriter<ResultRow> writer = new Builder(new LocalOutputFile(file), schema)
                .withConf(new PlainParquetConfiguration())
                // The temp file already exists (created empty to reserve a unique name).
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                // SNAPPY: fast and read by every Parquet reader; our own factory keeps Hadoop's
                // codec machinery (and its XML configuration stack) off the write path.
                .withCodecFactory(SnappyCodecFactory.INSTANCE)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .build()) {
            for (ResultRow row : rows) {
                writer.write(row);
            }
        }
    }

    private static final class Builder extends ParquetWriter.Builder<ResultRow, Builder> {
        private final ResultsSchema schema;

        Builder(LocalOutputFile file, ResultsSchema schema) {
            super(file);
            this.schema = schema;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<ResultRow> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
            return new ResultRowWriteSupport(schema);
        }

        @Override
        protected WriteSupport<ResultRow> getWriteSupport(org.apache.parquet.conf.ParquetConfiguration conf) {
            return new ResultRowWriteSupport(schema);
        }
    }
}
