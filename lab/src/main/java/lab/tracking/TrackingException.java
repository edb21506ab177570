package lab.tracking;

/**
 * A tracking backend could not do what was asked: an I/O error on the file store, an HTTP error
 * from the tracking server, or a store in a state this code will not write into. Invalid input
 * (a bad key, a param logged twice with different values) is an {@link IllegalArgumentException}
 * instead, so callers can tell "fix your call" from "the backend failed".
 */
public class TrackingException extends RuntimeException {

    public TrackingException(String message) {
        super(message);
    }

    public TrackingException(String message, Throwable cause) {
        super(message, cause);
    }
}
