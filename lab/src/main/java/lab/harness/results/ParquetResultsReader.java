package lab.harness.results;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;

/**
 * Reads a {@code results.parquet} written by {@link ParquetResultsWriter} back into a
 * {@link ResultsTable}, e.g. to summarise or compare finished runs.
 *
 * <p>The schema (including column roles) comes from the {@value ParquetSchemas#METADATA_KEY}
 * metadata our writer stores; files from other tools lack it and are rejected with a clear error
 * rather than guessed at. Reads through {@link LocalInputFile}, with no Hadoop FileSystem.
 */
public final class ParquetResultsReader {

    private ParquetResultsReader() {
    }

    public static ResultsTable read(Path file) throws IOException {
        ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration())
                .withCodecFactory(SnappyCodecFactory.INSTANCE)
                .build();
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file), options)) {
            String schemaJson = reader.getFileMetaData().getKeyValueMetaData().get(ParquetSchemas.METADATA_KEY);
            if (schemaJson == null) {
                throw new IOException(file + " has no '" + ParquetSchemas.METADATA_KEY
                        + "' metadata: it was not written by ParquetResultsWriter");
            }
            ResultsSchema schema = ParquetSchemas.fromJson(schemaJson);
            MessageType fileSchema = reader.getFileMetaData().getSchema();
            if (!fileSchema.equals(ParquetSchemas.toParquet(schema))) {
                throw new IOException(file + ": Parquet schema " + fileSchema + " does not match its metadata " + schema);
            }
            ResultsTable table = new ResultsTable(schema);
            MessageColumnIO columnIO = new ColumnIOFactory().getColumnIO(fileSchema);
            PageReadStore rowGroup;
            while ((rowGroup = reader.readNextRowGroup()) != null) {
                RecordReader<Group> records = columnIO.getRecordReader(rowGroup, new GroupRecordConverter(fileSchema));
                for (long i = 0; i < rowGroup.getRowCount(); i++) {
                    table.append(toRow(schema, records.read()));
                }
            }
            return table;
        }
    }

    private static ResultRow toRow(ResultsSchema schema, Group group) {
        Object[] values = new Object[schema.size()];
        for (int i = 0; i < schema.size(); i++) {
            if (group.getFieldRepetitionCount(i) == 0) {
                continue; // null
            }
            values[i] = switch (schema.column(i).type()) {
                case INT32 -> group.getInteger(i, 0);
                case INT64 -> group.getLong(i, 0);
                case DOUBLE -> group.getDouble(i, 0);
                case BOOLEAN -> group.getBoolean(i, 0);
                case STRING -> group.getString(i, 0);
            };
        }
        return new ResultRow(schema, values);
    }
}
