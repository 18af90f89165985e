package dev.pyfleet.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The chart in helm/pyfleet as {@code helm template} renders it (helm-java, no cluster), parsed into typed objects so
 * that tests assert on fields rather than on text.
 */
public record RenderedChart(List<HasMetadata> objects) {

    public static final Path CHART = ControlPlane.repoPath("helm/pyfleet");
    public static final String RELEASE = "pyfleet";
    public static final String NAMESPACE = "pyfleet-system";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /**
     * {@code helm template} of the chart as release {@value #RELEASE} in {@value #NAMESPACE}, for the Kubernetes
     * version of the tests' control plane; add values and call. (Without a version helm-java renders for v1.20, which
     * the chart's kubeVersion refuses.)
     */
    public static TemplateCommand template() {
        return new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(kubernetesVersion());
    }

    /** The control plane's pinned Kubernetes version (hack/versions.env), e.g. {@code v1.34.4}. */
    public static String kubernetesVersion() {
        try (Stream<String> lines = Files.lines(ControlPlane.repoPath("hack/versions.env"))) {
            return lines.filter(line -> line.startsWith("KUBERNETES_VERSION=")).findFirst()
                    .map(line -> line.substring("KUBERNETES_VERSION=".length()).strip())
                    .orElseThrow(() -> new IllegalStateException("no KUBERNETES_VERSION in hack/versions.env"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The chart rendered with these values, written as a values file would hold them. */
    public static RenderedChart withValues(String valuesYaml) {
        return parse(template().withValuesFile(valuesFile(valuesYaml)).call());
    }

    public static RenderedChart parse(String rendered) {
        return new RenderedChart(Stream.of(rendered.split("(?m)^---\\s*$"))
                .filter(RenderedChart::holdsAnObject)
                .map(document -> (HasMetadata) SERIALIZATION.unmarshal(document, HasMetadata.class))
                .toList());
    }

    /** A values file holding this YAML, for {@link TemplateCommand#withValuesFile(Path)}. */
    public static Path valuesFile(String valuesYaml) {
        try {
            Path file = Files.createTempFile("pyfleet-values-", ".yaml");
            file.toFile().deleteOnExit();
            return Files.writeString(file, valuesYaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public <T extends HasMetadata> Optional<T> find(Class<T> kind, String name) {
        return objects.stream().filter(kind::isInstance).map(kind::cast)
                .filter(o -> o.getMetadata().getName().equals(name)).findFirst();
    }

    public <T extends HasMetadata> T get(Class<T> kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError(
                "the chart rendered no " + kind.getSimpleName() + " " + name + "; it rendered " + objects.stream()
                        .map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList()));
    }

    public Deployment deployment(String name) {
        return get(Deployment.class, name);
    }

    public PodSpec podSpec(String deployment) {
        return deployment(deployment).getSpec().getTemplate().getSpec();
    }

    /** Helm prints a {@code # Source:} comment even above a template that rendered nothing. */
    private static boolean holdsAnObject(String document) {
        return document.lines().map(String::strip).anyMatch(line -> !line.isEmpty() && !line.startsWith("#"));
    }
}
