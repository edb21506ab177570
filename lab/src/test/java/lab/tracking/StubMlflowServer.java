package lab.tracking;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for an MLflow tracking server on 127.0.0.1 that records every request and answers
 * the handful of REST calls the tracker makes the way MLflow does (shapes from MLflow's
 * service.proto; int64 fields come back as JSON strings, as protobuf's printer writes them).
 */
final class StubMlflowServer implements AutoCloseable {

    record Request(String method, String path, String query, Map<String, List<String>> headers,
            byte[] body) {

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("request body is not JSON: " + bodyText(), e);
            }
        }

        String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : values.get(0);
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();
    static final String RUN_ID = "0123456789abcdef0123456789abcdef";

    final List<Request> requests = new ArrayList<>();
    /** Experiments the server knows: name -> {id, lifecycle stage}. */
    final Map<String, String[]> experiments = new HashMap<>();
    String newExperimentId = "7";
    String artifactUri = "mlflow-artifacts:/7/" + RUN_ID + "/artifacts";
    /** The status runs/get reports for {@link #RUN_ID}. */
    String runStatus = "KILLED";
    /** The metric values log-batch accepted, in order, as the JSON objects sent. */
    final List<JsonNode> loggedMetrics = new ArrayList<>();
    /** Optional override: answers log-batch with (status, body) when it returns non-null. */
    Function<JsonNode, Object[]> logBatchAnswer = body -> null;

    private final HttpServer server;

    StubMlflowServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String uri() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    synchronized List<Request> requests(String method, String path) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
    }

    synchronized List<String> calls() {
        return requests.stream().map(r -> r.method() + " " + r.path()).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
        }
        String rawQuery = ex.getRequestURI().getRawQuery();
        Request r = new Request(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                rawQuery == null ? null : URLDecoder.decode(rawQuery, StandardCharsets.UTF_8), Map.copyOf(ex.getRequestHeaders()), body);
        synchronized (this) {
            requests.add(r);
        }
        Object[] answer = answer(r);
        byte[] out = ((String) answer[1]).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders((Integer) answer[0], out.length);
        ex.getResponseBody().write(out);
        ex.close();
    }

    private synchronized Object[] answer(Request r) {
        String api = "/api/2.0/mlflow/";
        if (r.header("Upgrade") != null) {
            // as MLflow 3's uvicorn answers an HTTP/2 upgrade attempt (h2c)
            return new Object[] {400, "Unsupported upgrade request."};
        }
        if (r.path().startsWith("/api/2.0/mlflow-artifacts/artifacts/") && r.method().equals("PUT")) {
            return new Object[] {200, "{}"};
        }
        switch (r.method() + " " + r.path().replace(api, "")) {
            case "GET experiments/get-by-name": {
                String name = r.query().replaceFirst("^experiment_name=", "");
                String[] exp = experiments.get(name);
                if (exp == null) {
                    return new Object[] {404, "{\"error_code\": \"RESOURCE_DOES_NOT_EXIST\", "
                            + "\"message\": \"Could not find experiment with name '" + name + "'\"}"};
                }
                return new Object[] {200, "{\"experiment\": {\"experiment_id\": \"" + exp[0]
                        + "\", \"name\": " + quoted(name) + ", \"lifecycle_stage\": \"" + exp[1] + "\"}}"};
            }
            case "POST experiments/search": {
                // understands only the filter the tracker sends: name = 'x' or name = "x"
                String filter = r.json().path("filter").asText();
                String name = filter.replaceFirst("^name = (['\"])(.*)\\1$", "$2");
                String[] exp = experiments.get(name);
                if (exp == null) {
                    return new Object[] {200, "{}"};
                }
                return new Object[] {200, "{\"experiments\": [{\"experiment_id\": \"" + exp[0]
                        + "\", \"name\": " + quoted(name) + ", \"lifecycle_stage\": \"" + exp[1] + "\"}]}"};
            }
            case "POST experiments/create": {
                experiments.put(r.json().get("name").asText(), new String[] {newExperimentId, "active"});
                return new Object[] {200, "{\"experiment_id\": \"" + newExperimentId + "\"}"};
            }
            case "POST runs/create": {
                JsonNode req = r.json();
                return new Object[] {200, "{\"run\": {\"info\": {\"run_id\": \"" + RUN_ID
                        + "\", \"run_uuid\": \"" + RUN_ID + "\", \"experiment_id\": \""
                        + req.get("experiment_id").asText() + "\", \"run_name\": \""
                        + req.get("run_name").asText() + "\", \"status\": \"RUNNING\", \"start_time\": \""
                        + req.get("start_time").asText() + "\", \"artifact_uri\": \"" + artifactUri
                        + "\", \"lifecycle_stage\": \"active\"}, \"data\": {}}}"};
            }
            case "POST runs/log-batch": {
                Object[] custom = logBatchAnswer.apply(r.json());
                if (custom != null) {
                    return custom;
                }
                r.json().path("metrics").forEach(loggedMetrics::add);
                return new Object[] {200, "{}"};
            }
            case "GET metrics/get-history": {
                // as MLflow: every value of the key, int64 fields as strings; {} when there is none
                String key = java.net.URLDecoder.decode(r.query().replaceFirst("^.*metric_key=([^&]*).*$", "$1"),
                        StandardCharsets.UTF_8);
                StringBuilder out = new StringBuilder();
                for (JsonNode m : loggedMetrics) {
                    if (m.get("key").asText().equals(key)) {
                        out.append(out.length() == 0 ? "" : ",").append("{\"key\": ").append(quoted(key))
                                .append(", \"value\": ").append(m.get("value")).append(", \"timestamp\": \"")
                                .append(m.path("timestamp").asLong()).append("\", \"step\": \"").append(m.path("step").asLong())
                                .append("\"}");
                    }
                }
                return new Object[] {200, out.length() == 0 ? "{}" : "{\"metrics\": [" + out + "]}"};
            }
            case "GET runs/get":
                return new Object[] {200, "{\"run\": {\"info\": {\"run_id\": \"" + RUN_ID + "\", \"run_uuid\": \"" + RUN_ID
                        + "\", \"experiment_id\": \"" + newExperimentId + "\", \"status\": \"" + runStatus
                        + "\", \"artifact_uri\": \"" + artifactUri + "\", \"lifecycle_stage\": \"active\"}, \"data\": {}}}"};
            case "POST runs/update":
                return new Object[] {200, "{\"run_info\": {\"run_id\": \"" + RUN_ID + "\"}}"};
            default:
                return new Object[] {404, "{\"error_code\": \"ENDPOINT_NOT_FOUND\"}"};
        }
    }

    private static String quoted(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
