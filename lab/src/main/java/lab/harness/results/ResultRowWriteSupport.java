package lab.harness.results;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Feeds {@link ResultRow}s to Parquet's record consumer. A hand-written WriteSupport (rather than
 * Avro or the example Group API) keeps the dependency set small and the type mapping explicit.
 * Null values are simply not emitted, which Parquet records as null for an OPTIONAL field.
 */
final class ResultRowWriteSupport extends WriteSupport<ResultRow> {

    private final ResultsSchema schema;
    private final MessageType parquetSchema;
    private RecordConsumer consumer;

    ResultRowWriteSupport(ResultsSchema schema) {
        this.schema = schema;
        this.parquetSchema = ParquetSchemas.toParquet(schema);
    }

    @Override
    public WriteContext init(Configuration configuration) {
        return context();
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return context();
    }

    private WriteContext context() {
        return new WriteContext(parquetSchema, Map.of(ParquetSchemas.METADATA_KEY, ParquetSchemas.toJson(schema)));
    }

    @Override
    public String getName() {
        return "tiny-ablation-lab";
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.consumer = recordConsumer;
    }

    @Override
    public void write(ResultRow row) {
        consumer.startMessage();
        for (int i = 0; i < schema.size(); i++) {
            Object value = row.get(i);
            if (value == null) {
                continue;
            }
            ColumnSpec column = schema.column(i);
            consumer.startField(column.name(), i);
            switch (column.type()) {
                case INT32 -> consumer.addInteger((Integer) value);
                case INT64 -> consumer.addLong((Long) value);
                case DOUBLE -> consumer.addDouble((Double) value);
                case BOOLEAN -> consumer.addBoolean((Boolean) value);
                case STRING -> consumer.addBinary(Binary.fromString((String) value));
            }
            consumer.endField(column.name(), i);
        }
        consumer.endMessage();
    }
}
