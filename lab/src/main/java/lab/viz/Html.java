package lab.viz;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The few HTML helpers the report and the leaderboard share: escaping and the Content Security
 * Policy that keeps a generated page self-contained.
 */
final class Html {

    private Html() {
    }

    /**
     * Escapes text for element content and for double- or single-quoted attribute values. Run
     * names, labels and metadata come from users and configs, so a name such as
     * {@code <script>} must print as text, never run.
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            switch (ch) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    // Control characters other than tab/newline are invalid in HTML; drop them.
                    if (ch >= 0x20 || ch == '\t' || ch == '\n' || ch == '\r') {
                        out.append(ch);
                    }
                }
            }
        }
        return out.toString();
    }

    /**
     * A policy that forbids every network fetch and allows exactly the inline script and style the
     * page ships (by hash). Even if escaping were ever missed somewhere, an injected script would
     * not run, and a page that tried to load something from elsewhere would fail visibly in review
     * rather than silently phone home.
     *
     * @param inlineScript the page's one inline script, or null for a page that runs none
     */
    static String contentSecurityPolicyMeta(String inlineScript, String inlineStyle) {
        String scriptSrc = inlineScript == null ? "'none'" : "'sha256-" + sha256Base64(inlineScript) + "'";
        return "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                + "img-src data:; "
                + "style-src 'sha256-" + sha256Base64(inlineStyle) + "'; "
                + "script-src " + scriptSrc + "\">";
    }

    /** A resource next to this class, as UTF-8 text; the page's CSS and JS live there. */
    static String resource(String name) {
        try (InputStream in = Html.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource lab/viz/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256Base64(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-256", e);
        }
    }
}
