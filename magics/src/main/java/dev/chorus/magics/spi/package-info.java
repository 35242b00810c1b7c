/**
 * Everything the Chorus magics share with a kernel, beyond jjava's {@code BaseKernel}: what a kernel
 * may implement for faster or richer behaviour ({@link dev.chorus.magics.spi.NotebookVariables},
 * {@link dev.chorus.magics.spi.UserInput}, {@link dev.chorus.magics.spi.KernelActivity}), what magics tell it about themselves
 * ({@link dev.chorus.magics.spi.Described}) or about how they ended
 * ({@link dev.chorus.magics.spi.PartlyDoneException}), how a magic line is split into words
 * ({@link dev.chorus.magics.spi.MagicWords}), and the hand-off of objects to notebook code
 * ({@link dev.chorus.magics.spi.Bindings}). Any other kernel gets the fallbacks.
 */
package dev.chorus.magics.spi;
