package lab.runtime.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

class TorchScriptArchiveTest {

    private static final String METHOD = "  def forward(self: __torch__.Twice, x: Tensor) -> Tensor:\n    return x + x\n";

    @Test
    void holdsTheFilesTorchJitSaveWritesUnderOneFolderAndTheSameBytesEachTime() throws IOException {
        byte[] archive = TorchScriptArchive.of("Twice", METHOD);
        assertArrayEquals(archive, TorchScriptArchive.of("Twice", METHOD));
        List<String> names = new ArrayList<>();
        String code = null;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                names.add(e.getName());
                assertEquals(ZipEntry.STORED, e.getMethod(), e.getName());
                byte[] content = zip.readAllBytes();
                if (e.getName().endsWith(".py")) {
                    code = new String(content, StandardCharsets.UTF_8);
                }
            }
        }
        assertEquals(List.of("twice/data.pkl", "twice/code/__torch__.py", "twice/constants.pkl", "twice/version"), names);
        assertEquals("class Twice(Module):\n  __parameters__ = []\n  __buffers__ = []\n  training : bool\n" + METHOD, code);
    }

    /** What pickletools.dis shows for torch.jit.save's data.pkl of such a module, memo puts aside. */
    @Test
    void theModuleObjectIsAProtocolTwoInstanceWithTrainingFalse() {
        byte[] expected = ("\u0080\u0002c__torch__\nTwice\n)\u0081}(X\u0008\u0000\u0000\u0000training\u0089ub.")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertArrayEquals(expected, TorchScriptArchive.moduleObject("Twice"));
    }

    @Test
    void refusesANameThatIsNotAnIdentifier() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TorchScriptArchive.of("Two words", METHOD));
        assertEquals("not a TorchScript class name: 'Two words'", e.getMessage());
    }
}
