package lab.harness.config;

/**
 * A config the user can fix: malformed JSON, an unknown key, a wrong type, a missing file. The
 * message is one line naming the file (and line or override), the key and the fix; the CLI prints
 * it as is and exits 2 (it is an {@link IllegalArgumentException}).
 */
public class ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
