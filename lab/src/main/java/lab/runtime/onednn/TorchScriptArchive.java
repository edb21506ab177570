package lab.runtime.onednn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A TorchScript archive (what {@code torch.jit.save} writes) of one module class without
 * parameters, buffers or attributes but {@code training}, whose methods are given as TorchScript
 * source. libtorch compiles the source when it loads the archive, so an operator libtorch has but
 * DJL binds no function for can be called through DJL's module interface, with no Python and no
 * binary file in the project.
 *
 * <p>The layout is that of torch.jit.save (file format version 3): under one folder,
 * {@code version}, {@code data.pkl} (the module object, pickle protocol 2: an instance of
 * {@code __torch__.CLASS} whose state is {training: false}), {@code constants.pkl} (an empty tuple)
 * and {@code code/__torch__.py} (the class). Entries are stored, not deflated.
 */
public final class TorchScriptArchive {

    private TorchScriptArchive() {
    }

    /**
     * @param className a Python identifier
     * @param methods the class body's methods, each starting {@code def NAME(self: __torch__.CLASS, ...)}
     *     and indented by two spaces
     */
    public static byte[] of(String className, String methods) {
        if (!className.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("not a TorchScript class name: '" + className + "'");
        }
        String code = "class " + className + "(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + methods;
        String folder = className.toLowerCase(java.util.Locale.ROOT) + "/";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            stored(zip, folder + "data.pkl", moduleObject(className));
            stored(zip, folder + "code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
            stored(zip, folder + "constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            stored(zip, folder + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Pickle protocol 2 of {@code __torch__.CLASS} with state {training: False}: PROTO 2, GLOBAL
     * module and name, EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, MARK, BINUNICODE 'training', NEWFALSE,
     * SETITEMS, BUILD, STOP.
     */
    static byte[] moduleObject(String className) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2);
        p.writeBytes(("c__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII));
        p.write(')');
        p.write(0x81);
        p.write('}');
        p.write('(');
        byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
        p.write('X');
        p.write(key.length);
        p.write(0);
        p.write(0);
        p.write(0);
        p.writeBytes(key);
        p.write(0x89);
        p.write('u');
        p.write('b');
        p.write('.');
        return p.toByteArray();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] content) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(content.length);
        entry.setCompressedSize(content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        entry.setCrc(crc.getValue());
        // a fixed time, so that the same source gives the same bytes
        entry.setTime(315532800000L);
        zip.putNextEntry(entry);
        zip.write(content);
        zip.closeEntry();
    }
}
