package lab.runtime.loading;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a safetensors image so that its bfloat16 tensors become float32, before DJL decodes
 * it: DJL 0.32's PyTorch bindings abort the JVM on any bfloat16 array, and most Llama-style
 * checkpoints are stored in bfloat16. Widening is exact (a bfloat16 is the top half of a float32).
 */
final class Bf16Widening {

    private Bf16Widening() {
    }

    static boolean needed(JsonNode header) {
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            if ("BF16".equals(it.next().getValue().path("dtype").asText())) {
                return true;
            }
        }
        return false;
    }

    /** @param file the whole safetensors file */
    static byte[] widen(byte[] file) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = (int) in.getLong(0);
        ObjectMapper json = new ObjectMapper();
        JsonNode header = json.readTree(new String(file, 8, headerLength, StandardCharsets.UTF_8));
        int dataStart = 8 + headerLength;
        List<String> names = new ArrayList<>();
        header.fieldNames().forEachRemaining(n -> {
            if (!n.equals("__metadata__")) {
                names.add(n);
            }
        });
        // lay tensors out in their original order of offsets, each widened if bfloat16
        names.sort((a, b) -> Long.compare(header.get(a).path("data_offsets").path(0).asLong(),
                header.get(b).path("data_offsets").path(0).asLong()));
        ObjectNode out = json.createObjectNode();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (String name : names) {
            JsonNode t = header.get(name);
            int from = dataStart + t.path("data_offsets").path(0).asInt();
            int to = dataStart + t.path("data_offsets").path(1).asInt();
            ObjectNode entry = ((ObjectNode) t).deepCopy();
            int start = data.size();
            if ("BF16".equals(t.path("dtype").asText())) {
                ByteBuffer wide = ByteBuffer.allocate((to - from) * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = from; i < to; i += 2) {
                    int bits = (in.getShort(i) & 0xffff) << 16;
                    wide.putInt(bits);
                }
                data.write(wide.array());
                entry.put("dtype", "F32");
            } else {
                data.write(file, from, to - from);
            }
            entry.putArray("data_offsets").add(start).add(data.size());
            out.set(name, entry);
        }
        byte[] headerBytes = json.writeValueAsBytes(out);
        ByteBuffer result = ByteBuffer.allocate(8 + headerBytes.length + data.size()).order(ByteOrder.LITTLE_ENDIAN);
        result.putLong(headerBytes.length).put(headerBytes).put(data.toByteArray());
        return result.array();
    }
}
