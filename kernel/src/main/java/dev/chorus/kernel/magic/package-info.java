/**
 * The kernel's own magics: {@code %maven}, {@code %classpath}, {@code %load}, {@code %time} /
 * {@code %%time} and {@code %help}. Each declares its usage text in a public {@code USAGE} constant and
 * a public {@code usage()} method, the convention by which {@code %help} and error messages find the
 * usage of any magic, including those registered by extensions.
 */
package dev.chorus.kernel.magic;
