package lab.tracking;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLConnection;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * Uploads artifacts through an MLflow tracking server's artifact proxy (a server started with
 * {@code --serve-artifacts}, MLflow's default, gives runs {@code mlflow-artifacts:/...} URIs):
 * one {@code PUT /api/2.0/mlflow-artifacts/artifacts/<artifact path>/<file>} per file, the
 * request MLflow's own HttpArtifactRepository sends. Done here because MLflow's Java client
 * uploads artifacts by running the Python {@code mlflow} CLI.
 */
final class ProxiedArtifactUploader {

    static final String SCHEME = "mlflow-artifacts";
    private static final String API_BASE = "/api/2.0/mlflow-artifacts/artifacts";

    private final HttpClient http;
    private final HttpCredentials credentials;

    ProxiedArtifactUploader(HttpClient http, HttpCredentials credentials) {
        this.http = http;
        this.credentials = credentials;
    }

    static boolean handles(String artifactUri) {
        return artifactUri.startsWith(SCHEME + ":");
    }

    /** Uploads every entry below the run's {@code mlflow-artifacts:} URI. */
    void upload(URI trackingUri, String artifactUri, List<LocalArtifacts.Entry> entries) {
        for (LocalArtifacts.Entry entry : entries) {
            URI target = fileUrl(trackingUri, artifactUri, entry.artifactPath());
            HttpRequest.Builder request = HttpRequest.newBuilder(target)
                    .header("Content-Type", contentType(entry.artifactPath()));
            String auth = credentials.authorizationHeader();
            if (auth != null) {
                request.header("Authorization", auth);
            }
            HttpResponse<String> response;
            try {
                response = http.send(request.PUT(HttpRequest.BodyPublishers.ofFile(entry.file())).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (FileNotFoundException e) {
                throw new TrackingException("artifact file vanished before upload: " + entry.file(), e);
            } catch (IOException e) {
                throw new TrackingException("cannot upload artifact " + entry.file() + " to " + target
                        + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TrackingException("interrupted while uploading artifact " + entry.file(), e);
            }
            if (response.statusCode() / 100 != 2) {
                String body = response.body();
                throw new TrackingException("artifact upload PUT " + target + " answered HTTP "
                        + response.statusCode() + ": "
                        + (body.length() > 500 ? body.substring(0, 500) + "..." : body));
            }
        }
    }

    /**
     * The URL of one artifact file, resolved as MLflow's MlflowArtifactsRepository.resolve_uri
     * does: the tracking server's scheme, the artifact URI's host (if it names one) or else the
     * tracking server's, the tracking URI's path prefix, then the artifacts API and path.
     */
    static URI fileUrl(URI trackingUri, String artifactUri, String artifactPath) {
        URI artifact = URI.create(artifactUri);
        String authority = artifact.getRawAuthority() != null
                ? artifact.getRawAuthority() : trackingUri.getRawAuthority();
        String prefix = trackingUri.getPath() == null ? "" : trackingUri.getPath();
        String path = (prefix + "/" + API_BASE + "/" + artifact.getPath() + "/" + artifactPath)
                .replaceAll("/{2,}", "/");
        try {
            // the multi-argument constructor percent-encodes what a path may not contain (spaces)
            // and toASCIIString encodes non-ASCII names as UTF-8 octets
            return URI.create(new URI(trackingUri.getScheme(), authority, path, null, null)
                    .toASCIIString());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot build artifact URL from " + trackingUri
                    + " and " + artifactUri + ": " + e.getMessage(), e);
        }
    }

    private static String contentType(String name) {
        String guessed = URLConnection.guessContentTypeFromName(name);
        return guessed != null ? guessed : "application/octet-stream";
    }
}
