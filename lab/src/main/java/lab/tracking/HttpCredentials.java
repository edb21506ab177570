package lab.tracking;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Credentials for an MLflow tracking server, read from the same environment variables MLflow's
 * Python client uses, so one setting serves both: {@code MLFLOW_TRACKING_USERNAME} +
 * {@code MLFLOW_TRACKING_PASSWORD} (basic auth) or {@code MLFLOW_TRACKING_TOKEN} (bearer).
 */
record HttpCredentials(String username, String password, String token) {

    static final HttpCredentials NONE = new HttpCredentials(null, null, null);

    static HttpCredentials fromEnvironment(Map<String, String> env) {
        return new HttpCredentials(env.get("MLFLOW_TRACKING_USERNAME"),
                env.get("MLFLOW_TRACKING_PASSWORD"), env.get("MLFLOW_TRACKING_TOKEN"));
    }

    /** The Authorization header value, or null; basic auth wins, as in MLflow's Java client. */
    String authorizationHeader() {
        if (username != null && password != null) {
            return "Basic " + Base64.getEncoder().encodeToString(
                    (username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
        return token != null ? "Bearer " + token : null;
    }
}
