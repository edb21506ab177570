package lab.harness.results;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Parquet page compression with SNAPPY (and UNCOMPRESSED) only, calling snappy-java directly.
 *
 * <p>Why not Parquet's own {@code CodecFactory}: it obtains codecs through Hadoop's
 * {@code CompressionCodec} machinery, which instantiates a Hadoop {@code Configuration}, which
 * needs an XML parser (woodstox), Hadoop's shaded Guava and more. Parquet's SNAPPY page format is
 * simply a raw Snappy block of the page bytes, so snappy-java alone produces the identical bytes
 * and lets the Hadoop jar ship without its transitive dependencies.
 */
final class SnappyCodecFactory implements CompressionCodecFactory {

    static final SnappyCodecFactory INSTANCE = new SnappyCodecFactory();

    private SnappyCodecFactory() {
    }

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        return switch (codec) {
            case SNAPPY -> SNAPPY_COMPRESSOR;
            case UNCOMPRESSED -> IDENTITY_COMPRESSOR;
            default -> throw unsupported(codec);
        };
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        return switch (codec) {
            case SNAPPY -> SNAPPY_DECOMPRESSOR;
            case UNCOMPRESSED -> IDENTITY_DECOMPRESSOR;
            default -> throw unsupported(codec);
        };
    }

    @Override
    public void release() {
        // Stateless: nothing pooled.
    }

    private static UnsupportedOperationException unsupported(CompressionCodecName codec) {
        return new UnsupportedOperationException(
                "results files use SNAPPY or UNCOMPRESSED pages; codec " + codec + " is not bundled");
    }

    private static final BytesInputCompressor SNAPPY_COMPRESSOR = new BytesInputCompressor() {
        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            return BytesInput.from(Snappy.compress(bytes.toByteArray()));
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.SNAPPY;
        }

        @Override
        public void release() {
        }
    };

    private static final BytesInputCompressor IDENTITY_COMPRESSOR = new BytesInputCompressor() {
        @Override
        public BytesInput compress(BytesInput bytes) {
            return bytes;
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.UNCOMPRESSED;
        }

        @Override
        public void release() {
        }
    };

    private static final BytesInputDecompressor SNAPPY_DECOMPRESSOR = new BytesInputDecompressor() {
        @Override
        public BytesInput decompress(BytesInput bytes, int decompressedSize) throws IOException {
            byte[] out = Snappy.uncompress(bytes.toByteArray());
            if (out.length != decompressedSize) {
                throw new IOException("snappy page decompressed to " + out.length + " bytes, expected " + decompressedSize);
            }
            return BytesInput.from(out);
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int decompressedSize)
                throws IOException {
            byte[] in = new byte[compressedSize];
            input.get(in);
            output.put(decompress(BytesInput.from(in), decompressedSize).toByteArray());
        }

        @Override
        public void release() {
        }
    };

    private static final BytesInputDecompressor IDENTITY_DECOMPRESSOR = new BytesInputDecompressor() {
        @Override
        public BytesInput decompress(BytesInput bytes, int decompressedSize) {
            return bytes;
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int decompressedSize) {
            ByteBuffer slice = input.slice();
            slice.limit(compressedSize);
            output.put(slice);
            input.position(input.position() + compressedSize);
        }

        @Override
        public void release() {
        }
    };
}
