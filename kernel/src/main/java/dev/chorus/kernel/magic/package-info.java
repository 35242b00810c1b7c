/**
 * The kernel's own magics ({@code %maven}, {@code %classpath}, {@code %load}, {@code %time} /
 * {@code %%time}, {@code %help}) and the {@link dev.chorus.kernel.magic.MagicCatalogue} that every
 * magic registers in. Each magic describes itself ({@link dev.chorus.magics.spi.Described}: usage
 * and options) and reaches the kernel through {@link dev.chorus.kernel.magic.MagicHost}.
 */
package dev.chorus.kernel.magic;
