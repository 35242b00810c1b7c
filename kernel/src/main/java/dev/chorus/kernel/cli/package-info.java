/**
 * The {@code chorus} command ({@link dev.chorus.kernel.cli.Main}): {@code kernel} (what Jupyter starts),
 * {@code run} (a notebook executed headless, {@link dev.chorus.kernel.cli.NotebookRun}),
 * {@code kernelspec install} ({@link dev.chorus.kernel.cli.Kernelspec}, with the kernel's JVM flags from
 * {@code kernel-jvm.options}) and {@code sandbox}. It sits on top: nothing else depends on it.
 */
package dev.chorus.kernel.cli;
