/**
 * The small surface the Chorus magics ask of a kernel, beyond jjava's {@code BaseKernel}: a kernel
 * that implements these interfaces gets faster or richer behaviour, any other kernel the fallback.
 */
package dev.chorus.magics.spi;
