package dev.chorus.kernel.execution;

import java.util.HashSet;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Rewrites the bytecode of one notebook class: a {@link CellGuard#check()} call at every method
 * entry and before every backward jump (so busy loops can be interrupted without Thread.stop),
 * calls that would end the JVM redirected to {@link CellGuard}, and tasks handed to executors
 * wrapped by {@link CellContext#wrap} so they print under the cell that submitted them.
 *
 * <p>Stateless and thread-safe. Only stack-neutral instructions are added (a wrap takes the task off
 * the top of the stack and puts one of the same type back), so stack map frames stay valid and no
 * class has to be loaded to rewrite another.
 */
final class Instrumentation {
    private static final String GUARD = CellGuard.class.getName().replace('.', '/');
    private static final String CONTEXT = CellContext.class.getName().replace('.', '/');
    private static final String RUNNABLE = "Ljava/lang/Runnable;";
    private static final int API = Opcodes.ASM9;

    private Instrumentation() {
    }

    static byte[] instrument(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        reader.accept(new ClassVisitor(API, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                return new Guarded(super.visitMethod(access, name, descriptor, signature, exceptions));
            }
        }, 0);
        return writer.toByteArray();
    }

    private static final class Guarded extends MethodVisitor {
        private final Set<Label> seen = new HashSet<>();

        Guarded(MethodVisitor next) {
            super(API, next);
        }

        private void check() {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "check", "()V", false);
        }

        @Override
        public void visitCode() {
            super.visitCode();
            check();
        }

        @Override
        public void visitLabel(Label label) {
            super.visitLabel(label);
            seen.add(label);
        }

        @Override
        public void visitJumpInsn(int opcode, Label label) {
            if (seen.contains(label)) {
                check();
            }
            super.visitJumpInsn(opcode, label);
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
            if (anySeen(dflt, labels)) {
                check();
            }
            super.visitTableSwitchInsn(min, max, dflt, labels);
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
            if (anySeen(dflt, labels)) {
                check();
            }
            super.visitLookupSwitchInsn(dflt, keys, labels);
        }

        private boolean anySeen(Label dflt, Label[] labels) {
            if (seen.contains(dflt)) {
                return true;
            }
            for (Label l : labels) {
                if (seen.contains(l)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            String wrapped = submittedTask(opcode, owner, name, descriptor);
            if (wrapped != null) {
                // The task is the call's last argument, on top of the stack: carry the cell with it.
                super.visitMethodInsn(Opcodes.INVOKESTATIC, CONTEXT, "wrap", "(" + wrapped + ")" + wrapped, false);
            }
            String replacement = exitReplacement(opcode == Opcodes.INVOKESTATIC, owner, name, descriptor);
            if (replacement != null) {
                String desc = opcode == Opcodes.INVOKESTATIC ? "(I)V" : "(Ljava/lang/Runtime;I)V";
                super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, replacement, desc, false);
                return;
            }
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... args) {
            // method references such as System::exit arrive as handles in the bootstrap arguments
            Object[] mapped = args.clone();
            for (int i = 0; i < mapped.length; i++) {
                if (mapped[i] instanceof Handle h) {
                    boolean isStatic = h.getTag() == Opcodes.H_INVOKESTATIC;
                    String replacement = exitReplacement(isStatic, h.getOwner(), h.getName(), h.getDesc());
                    if (replacement != null) {
                        mapped[i] = new Handle(Opcodes.H_INVOKESTATIC, GUARD, replacement,
                                isStatic ? "(I)V" : "(Ljava/lang/Runtime;I)V", false);
                    }
                }
            }
            super.visitInvokeDynamicInsn(name, descriptor, bootstrap, mapped);
        }
    }

    /**
     * The type of the task handed to another thread by this call, when it is the call's last argument:
     * {@code execute(Runnable)} and {@code submit(Runnable|Callable)} on any executor, and
     * {@code CompletableFuture.runAsync(Runnable)} / {@code supplyAsync(Supplier)}. Else null.
     */
    private static String submittedTask(int opcode, String owner, String name, String descriptor) {
        if (opcode == Opcodes.INVOKESTATIC) {
            if (!owner.equals("java/util/concurrent/CompletableFuture")) {
                return null;
            }
            if (name.equals("runAsync") && descriptor.equals("(Ljava/lang/Runnable;)Ljava/util/concurrent/CompletableFuture;")) {
                return RUNNABLE;
            }
            if (name.equals("supplyAsync")
                    && descriptor.equals("(Ljava/util/function/Supplier;)Ljava/util/concurrent/CompletableFuture;")) {
                return "Ljava/util/function/Supplier;";
            }
            return null;
        }
        if (name.equals("execute") && descriptor.equals("(" + RUNNABLE + ")V")) {
            return RUNNABLE;
        }
        if (name.equals("submit") && descriptor.equals("(" + RUNNABLE + ")Ljava/util/concurrent/Future;")) {
            return RUNNABLE;
        }
        if (name.equals("submit")
                && descriptor.equals("(Ljava/util/concurrent/Callable;)Ljava/util/concurrent/Future;")) {
            return "Ljava/util/concurrent/Callable;";
        }
        return null;
    }

    private static String exitReplacement(boolean isStatic, String owner, String name, String descriptor) {
        if (!"(I)V".equals(descriptor)) {
            return null;
        }
        if (isStatic && owner.equals("java/lang/System") && name.equals("exit")) {
            return "exit";
        }
        if (!isStatic && owner.equals("java/lang/Runtime")) {
            return switch (name) {
                case "exit" -> "runtimeExit";
                case "halt" -> "runtimeHalt";
                default -> null;
            };
        }
        return null;
    }
}
