package dev.chorus.kernel.magic;

import dev.chorus.magics.spi.Described;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import eu.maveniverse.maven.mima.context.Context;
import eu.maveniverse.maven.mima.context.ContextOverrides;
import eu.maveniverse.maven.mima.context.Runtimes;
import org.dflib.jjava.jupyter.kernel.magic.LineMagic;
import org.dflib.jjava.jupyter.kernel.magic.MagicArgsParseException;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.util.artifact.JavaScopes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code %maven GROUP:ARTIFACT:VERSION [...]}: resolves artifacts and their runtime dependencies from
 * Maven Central (through the Maven resolver, honouring {@code ~/.m2/settings.xml} and caching in
 * {@code ~/.m2/repository}), adds the jars to the notebook's class path and prints what it added.
 *
 * <p>Runs on the cell thread and blocks while downloading. A malformed coordinate is a bad argument and
 * nothing is resolved; a resolution failure names the artifact that could not be found.
 */
public final class MavenMagic implements LineMagic<Void, BaseKernel>, Described {
    private final MagicHost host;

    public MavenMagic(MagicHost host) {
        this.host = host;
    }

    public static final String USAGE = """
            %maven GROUP:ARTIFACT:VERSION [GROUP:ARTIFACT:VERSION ...]
              Adds artifacts and their dependencies from Maven Central to the class path,
              e.g. %maven org.apache.commons:commons-lang3:3.17.0""";

    // group:artifact[:extension[:classifier]]:version
    private static final Pattern COORDINATE = Pattern.compile("[^:\\s]+:[^:\\s]+(:[^:\\s]+){1,3}");

    @Override
    public String usage() {
        return USAGE;
    }

    @Override
    public Void eval(BaseKernel kernel, List<String> args) throws DependencyResolutionException {
        List<String> coordinates = coordinates(args);
        List<Path> jars = resolve(coordinates);
        host.addToClasspath(jars);
        System.out.println("Added " + jars.size() + (jars.size() == 1 ? " jar" : " jars") + " to the class path: "
                + String.join(", ", jars.stream().map(p -> p.getFileName().toString()).toList()));
        return null;
    }

    /** Validates the coordinates; throws a one-line error for the first bad one. */
    static List<String> coordinates(List<String> args) {
        if (args.isEmpty()) {
            throw new MagicArgsParseException("missing GROUP:ARTIFACT:VERSION");
        }
        for (String a : args) {
            if (a.startsWith("-")) {
                throw new MagicArgsParseException("unknown option %s", a);
            }
            if (!COORDINATE.matcher(a).matches()) {
                throw new IllegalArgumentException("bad coordinate '" + a + "' (expected group:artifact:version)");
            }
        }
        return args;
    }

    /** Resolves the coordinates with their runtime dependencies; returns the jar files, without duplicates. */
    public static List<Path> resolve(List<String> coordinates) throws DependencyResolutionException {
        ContextOverrides overrides = ContextOverrides.create().withUserSettings(true).build();
        try (Context context = Runtimes.INSTANCE.getRuntime().create(overrides)) {
            CollectRequest collect = new CollectRequest();
            for (String c : coordinates) {
                collect.addDependency(new Dependency(new DefaultArtifact(c), JavaScopes.RUNTIME));
            }
            collect.setRepositories(context.remoteRepositories());
            DependencyRequest request = new DependencyRequest(collect, null);
            List<ArtifactResult> results = context.repositorySystem()
                    .resolveDependencies(context.repositorySystemSession(), request)
                    .getArtifactResults();
            Set<Path> jars = new LinkedHashSet<>();
            for (ArtifactResult r : results) {
                if (r.getArtifact() != null && r.getArtifact().getFile() != null) {
                    jars.add(r.getArtifact().getFile().toPath().toAbsolutePath());
                }
            }
            return new ArrayList<>(jars);
        }
    }
}
