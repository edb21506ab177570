package lab.runtime.loading;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads one .safetensors file through DJL's decoder ({@code NDList.decode}). The header is checked
 * first, so a truncated or foreign file gets an error that says which, instead of DJL's generic
 * "Malformed data".
 */
public final class SafetensorsFile {

    private SafetensorsFile() {
    }

    /** Every tensor of the file by name, in {@code manager}; a missing, truncated or foreign file is one clear error. */
    public static Map<String, NDArray> read(NDManager manager, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("weights file " + file + " does not exist");
        }
        JsonNode header = checkHeader(file);
        try (InputStream in = Bf16Widening.needed(header)
                ? new java.io.ByteArrayInputStream(Bf16Widening.widen(Files.readAllBytes(file)))
                : new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
            NDList list = NDList.decode(manager, in);
            Map<String, NDArray> byName = new LinkedHashMap<>();
            for (NDArray a : list) {
                byName.put(a.getName(), a);
            }
            return byName;
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("cannot read weights file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Element count of every tensor in the file, from its header alone. */
    public static Map<String, Long> elementCounts(Path file) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = checkHeader(file).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("__metadata__")) {
                long n = 1;
                for (JsonNode dim : e.getValue().path("shape")) {
                    n *= dim.asLong();
                }
                counts.put(e.getKey(), n);
            }
        }
        return counts;
    }

    /** Checks the 8-byte header length, the JSON header, and that every tensor's bytes are there. */
    private static JsonNode checkHeader(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            if (size < 8 || ch.read(lenBuf, 0) != 8) {
                throw new ModelLoadException("weights file " + file + " is truncated: " + size
                        + " bytes, too short for a safetensors header");
            }
            long headerLen = lenBuf.getLong(0);
            if (headerLen <= 0 || headerLen > size - 8 || headerLen > 100_000_000) {
                throw new ModelLoadException("weights file " + file + " is not a safetensors file or is truncated"
                        + " (header length " + headerLen + ", file size " + size + ")");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            ch.read(header, 8);
            JsonNode json = new ObjectMapper().readTree(header.array());
            long dataEnd = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equals("__metadata__")) {
                    dataEnd = Math.max(dataEnd, e.getValue().path("data_offsets").path(1).asLong());
                }
            }
            long available = size - 8 - headerLen;
            if (dataEnd > available) {
                throw new ModelLoadException("weights file " + file + " is truncated: its header declares "
                        + dataEnd + " bytes of tensor data but only " + available + " follow; download or copy it again");
            }
            return json;
        } catch (IOException e) {
            throw new ModelLoadException("weights file " + file + " has an unreadable safetensors header: "
                    + e.getMessage(), e);
        }
    }
}
