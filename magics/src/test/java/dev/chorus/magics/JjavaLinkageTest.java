package dev.chorus.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The magics load in any jjava kernel: in their class files, no reference to a jjava-jupyter
 * member whose binary form differs between 1.0-a6 (what they compile against) and later versions
 * (dflib/jjava's source after 1.0-a6), where such a call fails with NoSuchMethodError,
 * NoSuchFieldError, IllegalAccessError or NoClassDefFoundError.
 */
class JjavaLinkageTest {
    /**
     * Owner, name and descriptor (null: any) of the members that changed: setDisplayId returns the
     * display data after 1.0-a6; DISPLAY_ID_KEY became private; formatError protected; the magic
     * parser and its argument classes are gone; BaseKernel's constructor takes a MagicsResolver.
     */
    private static final List<String[]> CHANGED = List.of(
            new String[] {"org/dflib/jjava/jupyter/kernel/display/DisplayData", "setDisplayId", null},
            new String[] {"org/dflib/jjava/jupyter/kernel/display/DisplayData", "DISPLAY_ID_KEY", null},
            new String[] {"org/dflib/jjava/jupyter/kernel/BaseKernel", "formatError", null},
            new String[] {"org/dflib/jjava/jupyter/kernel/BaseKernel", "getMagicParser", null},
            new String[] {"org/dflib/jjava/jupyter/kernel/BaseKernel", "magicParser", null},
            new String[] {"org/dflib/jjava/jupyter/kernel/BaseKernel", "<init>", null},
            new String[] {"org/dflib/jjava/jupyter/kernel/BaseKernelBuilder", "magicParser", null},
            new String[] {"org/dflib/jjava/jupyter/kernel/magic/MagicParser", null, null},
            new String[] {"org/dflib/jjava/jupyter/kernel/magic/LineMagicArgs", null, null},
            new String[] {"org/dflib/jjava/jupyter/kernel/magic/CellMagicArgs", null, null},
            new String[] {"org/dflib/jjava/jupyter/kernel/magic/MagicsArgs", "builder", null},
            new String[] {"org/dflib/jjava/jupyter/kernel/magic/ParsedLineMagic", null, null},
            new String[] {"org/dflib/jjava/jupyter/kernel/magic/ParsedCellMagic", null, null});

    @Test
    void theMagicsReferNoJjavaMemberThatChangedAfter1_0_a6() throws Exception {
        Path classes = Path.of(ChorusExtension.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(p -> p.toString().endsWith(".class")).toList();
        }
        assertTrue(files.size() > 40, "the magics' classes at " + classes);
        Set<String> found = new TreeSet<>();
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                found.addAll(changedReferences(in));
            }
        }
        assertEquals(Set.of(), found);
    }

    @Test
    void theCheckSeesACallToTheChangedSetter() throws IOException, URISyntaxException {
        // This class calls setDisplayId: the check must name it, or it could never fail.
        try (InputStream in = Caller.class.getResourceAsStream("JjavaLinkageTest$Caller.class")) {
            assertEquals(List.of("JjavaLinkageTest$Caller.call -> DisplayData.setDisplayId(Ljava/lang/String;)V"),
                    changedReferences(in).stream().map(s -> s.replaceAll("dev/chorus/magics/|org/dflib/jjava/jupyter/kernel/display/", ""))
                            .toList());
        }
    }

    /** A user of the setter that changed, for the check's own test. */
    static final class Caller {
        static void call(DisplayData d) {
            d.setDisplayId("x");
        }
    }

    /** The references in one class file to members in {@link #CHANGED}, as "Class.method -> Owner.member(desc)". */
    private static List<String> changedReferences(InputStream classFile) throws IOException {
        List<String> out = new ArrayList<>();
        ClassReader reader = new ClassReader(classFile);
        String self = reader.getClassName();
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String method, String descriptor, String signature,
                                             String[] exceptions) {
                String where = self + "." + method;
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String name, String desc, boolean itf) {
                        check(where, owner, name, desc, out);
                    }

                    @Override
                    public void visitFieldInsn(int opcode, String owner, String name, String desc) {
                        check(where, owner, name, desc, out);
                    }

                    @Override
                    public void visitTypeInsn(int opcode, String type) {
                        check(where, type, null, null, out);
                    }
                };
            }

            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                check(self + "." + name, descriptor.startsWith("L") ? descriptor.substring(1, descriptor.length() - 1) : "",
                        null, null, out);
                return null;
            }
        }, ClassReader.SKIP_DEBUG);
        return out;
    }

    private static void check(String where, String owner, String name, String desc, List<String> out) {
        for (String[] c : CHANGED) {
            if (c[0].equals(owner) && (c[1] == null || c[1].equals(name)) && (c[2] == null || c[2].equals(desc))) {
                out.add(where + " -> " + owner + (name == null ? "" : "." + name + (desc == null ? "" : desc)));
            }
        }
    }
}
