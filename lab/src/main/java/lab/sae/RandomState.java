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

    /** @throws IllegalArgumentException when {@code state} is not a saved Random */
    public static Random load(byte[] state) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(state))) {
            // nothing but a Random is ever built from these bytes (its form holds no other object)
            in.setObjectInputFilter(info -> info.serialClass() == null || info.serialClass() == Random.class
                    ? ObjectInputFilter.Status.ALLOWED : ObjectInputFilter.Status.REJECTED);
            Object o = in.readObject();
            if (o != null && o.getClass() == Random.class) {
                return (Random) o;
            }
            throw new IllegalArgumentException("a saved random state holds a " + (o == null ? "null" : o.getClass().getName())
                    + ", not a java.util.Random");
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalArgumentException("a saved random state cannot be read: " + e.getMessage(), e);
        }
    }
}
