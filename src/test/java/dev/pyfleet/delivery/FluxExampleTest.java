package dev.pyfleet.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.RenderedChart;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The Flux examples in deploy/flux/ fit together and fit the repository: what they reference exists, the CRDs come
 * first and are never pruned, the HelmRelease's values pass the chart's schema, and `kubectl apply -k deploy/` never
 * applies them. (No Flux runs here: its controllers' behaviour is taken from its API, not tested.)
 */
class FluxExampleTest {

    static final Path FLUX = ControlPlane.repoPath("deploy/flux");
    static final KubernetesSerialization YAML = new KubernetesSerialization();

    @Test
    void theCrdsAreAppliedFirstNeverPrunedAndEachStepWaitsUntilItsObjectsAreReady() throws IOException {
        GenericKubernetesResource crds = one("kustomizations.yaml", "Kustomization", "pyfleet-crds");
        GenericKubernetesResource operator = one("kustomizations.yaml", "Kustomization", "pyfleet");
        assertThat(crds.getApiVersion()).isEqualTo("kustomize.toolkit.fluxcd.io/v1");
        assertThat((String) crds.get("spec", "path")).isEqualTo("./deploy/crds");
        assertThat((Boolean) crds.get("spec", "prune")).isFalse();
        assertThat((Boolean) crds.get("spec", "wait")).isTrue();
        assertThat((String) operator.get("spec", "path")).isEqualTo("./deploy");
        assertThat((List<Map<String, Object>>) operator.get("spec", "dependsOn"))
                .containsExactly(Map.of("name", "pyfleet-crds"));
        assertThat((Boolean) operator.get("spec", "wait")).isTrue();
        assertThat((Boolean) operator.get("spec", "prune")).isTrue();
    }

    @Test
    void everySourcePathAndChartTheExamplesNameIsInTheRepositoryAndInTheArtifact() throws IOException {
        GenericKubernetesResource source = one("source.yaml", "GitRepository", "pyfleet");
        assertThat(source.getApiVersion()).isEqualTo("source.toolkit.fluxcd.io/v1");
        List<String> kept = ((String) source.get("spec", "ignore")).lines().map(String::strip)
                .filter(line -> line.startsWith("!/")).map(line -> line.substring(1)).toList();

        List<GenericKubernetesResource> users = Stream.concat(objects("kustomizations.yaml").stream(),
                objects("helmrelease.yaml").stream()).toList();
        assertThat(users).hasSize(3);
        for (GenericKubernetesResource user : users) {
            boolean release = user.getKind().equals("HelmRelease");
            Map<String, Object> sourceRef = release ? user.get("spec", "chart", "spec", "sourceRef")
                    : user.get("spec", "sourceRef");
            assertThat(sourceRef).as(user.getMetadata().getName())
                    .isEqualTo(Map.of("kind", "GitRepository", "name", "pyfleet"));
            String path = release ? user.get("spec", "chart", "spec", "chart") : user.get("spec", "path");
            Path inRepo = ControlPlane.repoPath(path);
            assertThat(inRepo.resolve(release ? "Chart.yaml" : "kustomization.yaml")).as(path).isRegularFile();
            assertThat(kept).as("%s is in the GitRepository's artifact", path)
                    .anyMatch(prefix -> ("/" + ControlPlane.repoPath("").relativize(inRepo) + "/").startsWith(prefix));
        }
    }

    @Test
    void theHelmReleasesValuesPassTheChartsSchemaAndItsCrdsFollowUpgrades() throws IOException {
        GenericKubernetesResource release = one("helmrelease.yaml", "HelmRelease", "pyfleet");
        assertThat(release.getApiVersion()).isEqualTo("helm.toolkit.fluxcd.io/v2");
        assertThat((String) release.get("spec", "upgrade", "crds")).isEqualTo("CreateReplace");
        Map<String, Object> values = release.get("spec", "values");
        RenderedChart chart = RenderedChart.parse(RenderedChart.template()
                .withNamespace(release.get("spec", "targetNamespace"))
                .withValuesFile(RenderedChart.valuesFile(YAML.asYaml(values))).call());
        assertThat(chart.deployment("pyfleet-operator").getMetadata().getNamespace()).isEqualTo("pyfleet-system");
    }

    @Test
    void kubectlApplyOfDeployNeverAppliesTheFluxObjects() throws IOException {
        GenericKubernetesResource base = YAML.unmarshal(Files.readString(ControlPlane.repoPath(
                "deploy/kustomization.yaml")), GenericKubernetesResource.class);
        List<String> resources = base.get("resources");
        assertThat(resources).isNotEmpty().noneMatch(resource -> resource.startsWith("flux"));
        assertThat(FLUX.resolve("kustomization.yaml")).doesNotExist();
    }

    private static GenericKubernetesResource one(String file, String kind, String name) throws IOException {
        return objects(file).stream().filter(o -> o.getKind().equals(kind) && o.getMetadata().getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + file));
    }

    private static List<GenericKubernetesResource> objects(String file) throws IOException {
        return Stream.of(Files.readString(FLUX.resolve(file)).split("(?m)^---\\s*$"))
                .filter(document -> document.lines().anyMatch(line -> !line.isBlank() && !line.startsWith("#")))
                .map(document -> YAML.unmarshal(document, GenericKubernetesResource.class)).toList();
    }
}
