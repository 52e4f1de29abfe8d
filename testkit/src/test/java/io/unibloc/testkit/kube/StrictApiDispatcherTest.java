package io.unibloc.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The strict mock refuses what a real API server refuses (the cases unibloc met on kube-apiserver 1.26). */
class StrictApiDispatcherTest {
    private static StrictApiServer api;

    @BeforeAll
    static void start() {
        api = StrictApiServer.start();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static NonNamespaceOperation<
                    GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
            stores() {
        return api.client().genericKubernetesResources("unibloc.io/v1alpha1", "NodeStore");
    }

    private static GenericKubernetesResource createStore(String name) {
        GenericKubernetesResource store =
                Serialization.unmarshal("""
                {"apiVersion":"unibloc.io/v1alpha1","kind":"NodeStore","metadata":{"name":"%s"},
                 "spec":{"node":"%s","storeDir":"/var/lib/unibloc"},
                 "status":{"backend":"reflink","conditions":[]}}""".formatted(name, name), GenericKubernetesResource.class);
        return stores().resource(store).create();
    }

    @Test
    void statusIsDroppedOnCreate() {
        GenericKubernetesResource created = createStore("drop");
        assertThat(created.getAdditionalProperties()).doesNotContainKey("status");
        assertThat(stores().withName("drop").get().getAdditionalProperties()).doesNotContainKey("status");
        assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);
    }

    @Test
    void jsonPatchIntoAMissingStatusIs422() {
        createStore("strict");
        String patch = "[{\"op\":\"add\",\"path\":\"/status/backend\",\"value\":\"reflink\"}]";
        assertThatThrownBy(() ->
                        stores().withName("strict").subresource("status").patch(PatchContext.of(PatchType.JSON), patch))
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e -> assertThat(e.getCode()).isEqualTo(422));
        stores().withName("strict")
                .subresource("status")
                .patch(
                        PatchContext.of(PatchType.JSON),
                        "[{\"op\":\"add\",\"path\":\"/status\",\"value\":{\"backend\":\"reflink\"}}]");
        assertThat(status("strict")).containsEntry("backend", "reflink");
    }

    @Test
    void mergePatchFollowsRfc7386AndStatusChangesOnlyThroughTheSubresource() {
        createStore("merge");
        stores().withName("merge")
                .subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"backend\":\"reflink\",\"kvm\":true}}");
        stores().withName("merge")
                .subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"kvm\":null}}");
        assertThat(status("merge")).containsEntry("backend", "reflink").doesNotContainKey("kvm");

        // Status sent to the main resource is ignored; a spec change bumps the generation, a status change does not.
        GenericKubernetesResource after = stores().withName("merge")
                .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"spec\":{\"storeDir\":\"/srv\"},\"status\":{\"backend\":\"copy\"}}");
        assertThat(status("merge")).containsEntry("backend", "reflink");
        assertThat(after.getMetadata().getGeneration()).isEqualTo(2L);
        GenericKubernetesResource statusOnly = stores().withName("merge")
                .subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"backend\":\"copy\"}}");
        assertThat(statusOnly.getMetadata().getGeneration()).isEqualTo(2L);
        assertThat(api.dispatcher().requests())
                .anySatisfy(w -> assertThat(w.contentType()).isEqualTo("application/merge-patch+json"));
    }

    @Test
    void staleResourceVersionIs409() {
        GenericKubernetesResource created = createStore("stale");
        stores().withName("stale").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"storeDir\":\"/a\"}}");
        String stale = "{\"metadata\":{\"resourceVersion\":\""
                + created.getMetadata().getResourceVersion() + "\"},\"spec\":{\"storeDir\":\"/b\"}}";
        assertThatThrownBy(() -> stores().withName("stale").patch(PatchContext.of(PatchType.JSON_MERGE), stale))
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e -> assertThat(e.getCode()).isEqualTo(409));
    }

    @Test
    void podNamingAMissingRuntimeClassIsForbiddenAndPodStatusIsDropped() {
        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withName("guest")
                .withNamespace("apps")
                .endMetadata()
                .withNewSpec()
                .withRuntimeClassName("strict-kvm")
                .addNewContainer()
                .withName("c")
                .withImage("i")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .endStatus()
                .build();
        assertThatThrownBy(() ->
                        api.client().pods().inNamespace("apps").resource(pod).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("RuntimeClass \"strict-kvm\" not found");
                });
        api.createRuntimeClass("strict-kvm", "unibloc");
        Pod created = api.client().pods().inNamespace("apps").resource(pod).create();
        assertThat(created.getStatus())
                .satisfiesAnyOf(
                        s -> assertThat(s).isNull(),
                        s -> assertThat(s.getPhase()).isNull());
        api.client()
                .pods()
                .inNamespace("apps")
                .withName("guest")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"phase\":\"Failed\"}}");
        Pod read = api.client().pods().inNamespace("apps").withName("guest").get();
        assertThat(read.getStatus() == null ? null : read.getStatus().getPhase())
                .isNull();
    }

    @SuppressWarnings("unchecked")
    @Test
    void admissionCopiesTheRuntimeClassSchedulingIntoThePodOnceAtCreation() {
        api.client()
                .resource(new RuntimeClassBuilder()
                        .withNewMetadata()
                        .withName("selecting")
                        .endMetadata()
                        .withHandler("runc")
                        .withNewOverhead()
                        .addToPodFixed("cpu", new Quantity("20m"))
                        .endOverhead()
                        .withNewScheduling()
                        .addToNodeSelector("unibloc.io/kvm", "true")
                        .addNewToleration(null, "unibloc.io/dedicated", "Exists", null, null)
                        .endScheduling()
                        .build())
                .create();
        Pod created = api.client()
                .pods()
                .inNamespace("admit")
                .resource(pod("admitted", "selecting", Map.of("pool", "a")))
                .create();
        assertThat(created.getSpec().getNodeSelector())
                .containsExactlyInAnyOrderEntriesOf(Map.of("pool", "a", "unibloc.io/kvm", "true"));
        assertThat(created.getSpec().getTolerations())
                .singleElement()
                .satisfies(t -> assertThat(t.getKey()).isEqualTo("unibloc.io/dedicated"));
        assertThat(created.getSpec().getOverhead()).containsEntry("cpu", new Quantity("20m"));

        // A later change of the RuntimeClass does not reach the Pod already admitted.
        api.client().resources(RuntimeClass.class).withName("selecting").edit(rc -> {
            rc.getScheduling().setNodeSelector(Map.of("unibloc.io/node", "true"));
            return rc;
        });
        assertThat(api.client()
                        .pods()
                        .inNamespace("admit")
                        .withName("admitted")
                        .get()
                        .getSpec()
                        .getNodeSelector())
                .containsEntry("unibloc.io/kvm", "true")
                .doesNotContainKey("unibloc.io/node");

        assertThatThrownBy(() -> api.client()
                        .pods()
                        .inNamespace("admit")
                        .resource(pod("conflicting", "selecting", Map.of("unibloc.io/node", "false")))
                        .create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(403);
                    assertThat(e.getStatus().getMessage()).contains("conflict: runtimeClass.scheduling.nodeSelector");
                });
    }

    @Test
    void injectedFaultsAnswerTheNextMatchingRequestsThenTheServerServesAgain() {
        api.dispatcher().failNext("PATCH", "/api/v1/nodes/faulty", 2, 409, "Conflict", "the object has been modified");
        api.client()
                .nodes()
                .resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName("faulty")
                        .endMetadata()
                        .build())
                .create();
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> api.client()
                            .nodes()
                            .withName("faulty")
                            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"a\":\"b\"}}}"))
                    .isInstanceOfSatisfying(
                            KubernetesClientException.class,
                            e -> assertThat(e.getCode()).isEqualTo(409));
        }
        assertThat(api.client().nodes().withName("faulty").get().getMetadata().getLabels())
                .as("a refused patch changes nothing")
                .isNullOrEmpty();
        api.client()
                .nodes()
                .withName("faulty")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"a\":\"b\"}}}");
        assertThat(api.client().nodes().withName("faulty").get().getMetadata().getLabels())
                .containsEntry("a", "b");
    }

    private static Pod pod(String name, String runtimeClass, Map<String, String> selector) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withRuntimeClassName(runtimeClass)
                .withNodeSelector(selector)
                .addNewContainer()
                .withName("c")
                .withImage("busybox")
                .endContainer()
                .endSpec()
                .build();
    }

    private static Map<String, Object> status(String name) {
        return (Map<String, Object>)
                stores().withName(name).get().getAdditionalProperties().get("status");
    }

    private static Pod sandbox(String name, String... capabilities) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("sandbox")
                .withImage("unibloc/sandbox")
                .withNewSecurityContext()
                .withPrivileged(false)
                .withAllowPrivilegeEscalation(false)
                .withNewCapabilities()
                .withAdd(capabilities)
                .endCapabilities()
                .endSecurityContext()
                .endContainer()
                .endSpec()
                .build();
    }

    private static void namespace(String name, Map<String, String> labels) {
        api.client()
                .namespaces()
                .resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withLabels(labels)
                        .endMetadata()
                        .build())
                .create();
    }

    @Test
    void podSecurityBaselineRefusesNetAdminWithTheRealMessageAndDetails() {
        namespace("psa-baseline", Map.of("pod-security.kubernetes.io/enforce", "baseline"));
        assertThatThrownBy(() -> api.client()
                        .pods()
                        .inNamespace("psa-baseline")
                        .resource(sandbox("tap", "NET_ADMIN", "CHOWN"))
                        .create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(403);
                    assertThat(e.getStatus().getReason()).isEqualTo("Forbidden");
                    assertThat(e.getStatus().getDetails().getKind()).isEqualTo("pods");
                    assertThat(e.getStatus().getDetails().getName()).isEqualTo("tap");
                    assertThat(e.getStatus().getMessage())
                            .isEqualTo("pods \"tap\" is forbidden: violates PodSecurity \"baseline:latest\": "
                                    + "non-default capabilities (container \"sandbox\" must not include \"NET_ADMIN\""
                                    + " in securityContext.capabilities.add)");
                });
        assertThat(api.client()
                        .pods()
                        .inNamespace("psa-baseline")
                        .resource(sandbox("passt", "CHOWN"))
                        .create()
                        .getMetadata()
                        .getName())
                .as("a default capability is allowed in baseline")
                .isEqualTo("passt");
    }

    @Test
    void podSecurityRestrictedListsEveryViolationInCheckOrder() {
        namespace(
                "psa-restricted",
                Map.of(
                        "pod-security.kubernetes.io/enforce", "restricted",
                        "pod-security.kubernetes.io/enforce-version", "v1.29"));
        assertThatThrownBy(() -> api.client()
                        .pods()
                        .inNamespace("psa-restricted")
                        .resource(sandbox("tap", "NET_ADMIN"))
                        .create())
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e -> assertThat(e.getStatus().getMessage())
                                .isEqualTo(
                                        "pods \"tap\" is forbidden: violates PodSecurity \"restricted:v1.29\": "
                                                + "unrestricted capabilities (container \"sandbox\" must set"
                                                + " securityContext.capabilities.drop=[\"ALL\"]; container \"sandbox\" must not"
                                                + " include \"NET_ADMIN\" in securityContext.capabilities.add), runAsNonRoot !="
                                                + " true (pod or container \"sandbox\" must set securityContext.runAsNonRoot=true),"
                                                + " seccompProfile (pod or container \"sandbox\" must set"
                                                + " securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")"));
    }

    @Test
    void aPrivilegedOrUnlabelledNamespaceAdmitsNetAdmin() {
        namespace("psa-privileged", Map.of("pod-security.kubernetes.io/enforce", "privileged"));
        assertThat(api.client()
                        .pods()
                        .inNamespace("psa-privileged")
                        .resource(sandbox("tap", "NET_ADMIN"))
                        .create())
                .isNotNull();
        assertThat(api.client()
                        .pods()
                        .inNamespace("psa-none")
                        .resource(sandbox("tap", "NET_ADMIN"))
                        .create())
                .isNotNull();
    }
}
