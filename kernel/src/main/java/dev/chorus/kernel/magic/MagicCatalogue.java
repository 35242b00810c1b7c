package dev.chorus.kernel.magic;

import dev.chorus.sandbox.Levenshtein;
import dev.chorus.magics.spi.Described;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.dflib.jjava.jupyter.kernel.magic.CellMagic;
import org.dflib.jjava.jupyter.kernel.magic.LineMagic;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;

/**
 * Every magic the kernel knows: jjava's registry (extensions register through it), which also keeps
 * each magic so that its name, usage and options can be looked up: the usage for {@code %help}, a bad
 * argument and inspection, the options for completion, a close name for a mistyped one. A magic
 * describes itself by implementing {@link Described}; one that does not has no usage to show.
 *
 * <p>Thread-safe: registration happens at start and when extensions load, lookups from any thread.
 */
public final class MagicCatalogue extends MagicsRegistry {
    private final Map<String, Object> lines = new ConcurrentHashMap<>();
    private final Map<String, Object> cells = new ConcurrentHashMap<>();

    @Override
    public MagicsRegistry registerLineMagic(String name, LineMagic<?, ?> magic) {
        lines.put(name, magic);
        return super.registerLineMagic(name, magic);
    }

    @Override
    public MagicsRegistry registerCellMagic(String name, CellMagic<?, ?> magic) {
        cells.put(name, magic);
        return super.registerCellMagic(name, magic);
    }

    /** Names of the line magics ({@code cell} false) or cell magics, sorted. */
    public List<String> names(boolean cell) {
        return new ArrayList<>(new TreeSet<>(cell ? cells.keySet() : lines.keySet()));
    }

    /** The usage text of a magic, when it has one. */
    public Optional<String> usage(String name, boolean cell) {
        return described(name, cell).map(Described::usage).filter(u -> !u.isBlank());
    }

    /** The options a magic accepts ({@code --name}), sorted; none when it does not say. */
    public List<String> options(String name, boolean cell) {
        return described(name, cell).map(d -> new ArrayList<>(new TreeSet<>(d.options()))).orElseGet(ArrayList::new);
    }

    /** The name of the same kind closest to a mistyped one (at most two edits away). */
    public Optional<String> closest(String name, boolean cell) {
        String typed = name.toLowerCase(Locale.ROOT);
        return (cell ? cells : lines).keySet().stream()
                .filter(n -> Levenshtein.distance(n.toLowerCase(Locale.ROOT), typed) <= 2)
                .min(Comparator.comparingInt(n -> Levenshtein.distance(n, name)));
    }

    private Optional<Described> described(String name, boolean cell) {
        return (cell ? cells : lines).get(name) instanceof Described d ? Optional.of(d) : Optional.empty();
    }
}
