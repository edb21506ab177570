package lab.sae;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.Random;

/**
 * A {@link Random}'s exact state as bytes and back, so that a resumed training run draws the
 * numbers the uninterrupted one would. Random keeps its whole state (the 48-bit seed and the
 * cached Gaussian) in its serialized form, which is what this stores; Java offers no other way
 * to read the seed back.
 */
public final class RandomState {

    private RandomState() {
    }

    public static byte[] save(Random random) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(random);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * @throws IllegalArgumentException when {@code state} is not a saved Random: unreadable bytes, or an object
     *     of another class (a subclass too), which the stream's filter refuses before building it
     */
    public static Random load(byte[] state) {
        Object o;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(state))) {
            // nothing but a Random is ever built from these bytes (its form holds no other object, and is one level deep)
            in.setObjectInputFilter(info -> info.depth() > 1 || info.references() > 1 || info.arrayLength() >= 0
                    || info.serialClass() != null && info.serialClass() != Random.class
                    ? ObjectInputFilter.Status.REJECTED : ObjectInputFilter.Status.ALLOWED);
            o = in.readObject();
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            // a damaged stream throws more than IOException: negative lengths, bad type codes and the like
            throw new IllegalArgumentException("a saved random state cannot be read (" + e + ")", e);
        }
        if (o != null && o.getClass() == Random.class) {
            return (Random) o;
        }
        throw new IllegalArgumentException("a saved random state holds a " + (o == null ? "null" : o.getClass().getName())
                + ", not a java.util.Random");
    }
}
