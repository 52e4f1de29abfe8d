package io.unibloc.e2e.chart;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The permissions each component needs, derived from what its code calls; the RBAC test compares what the chart
 * grants with this table exactly, so a grant nobody calls fails as much as a missing one.
 *
 * <p>Each entry is flattened to single {@link Grant}s: one verb on one resource (optionally one resourceName) in
 * one scope ({@link Grant#CLUSTER} or a namespace).
 */
final class ExpectedRbac {
    private ExpectedRbac() {}

    /** The operator: UnikernelPod/UnikernelImage reconcilers (Quarkus Operator SDK), namespaced part. */
    static Set<Grant> operator(String scope) {
        Set<Grant> grants = new LinkedHashSet<>();
        // Informers on the primary resources; get on conflicts.
        grants.addAll(
                Grant.of(scope, "unibloc.io", List.of("unikernelpods", "unikernelimages"), "get", "list", "watch"));
        // UpdateControl.patchStatus (SSA off): a JSON patch of the status subresource.
        grants.addAll(
                Grant.of(scope, "unibloc.io", List.of("unikernelpods/status", "unikernelimages/status"), "patch"));
        // PodFactory sets blockOwnerDeletion on the Pod's owner reference (OwnerReferencesPermissionEnforcement).
        grants.addAll(Grant.of(scope, "unibloc.io", List.of("unikernelpods/finalizers"), "update"));
        // Pod informer, resourceOperations().create, delete of a stale Pod; never updated in place.
        grants.addAll(Grant.of(scope, "", List.of("pods"), "list", "watch", "create", "delete"));
        // Root claims: created before the Pod, deleted with it (RootClaims), watched for the VolumeReady condition.
        grants.addAll(Grant.of(scope, "", List.of("persistentvolumeclaims"), "list", "watch", "create", "delete"));
        // EventRecorder creates one Event per transition.
        grants.addAll(Grant.of(scope, "", List.of("events"), "create"));
        // PullSecrets reads the named pull secrets.
        grants.addAll(Grant.of(scope, "", List.of("secrets"), "get"));
        return grants;
    }

    /** Cluster-wide in every mode: the SDK's CRD check by name, and the UnikernelImage reconciler's informers. */
    static Set<Grant> operatorCluster() {
        Set<Grant> grants = new LinkedHashSet<>();
        grants.add(new Grant(
                Grant.CLUSTER, "apiextensions.k8s.io", "customresourcedefinitions", "unikernelpods.unibloc.io", "get"));
        grants.add(new Grant(
                Grant.CLUSTER,
                "apiextensions.k8s.io",
                "customresourcedefinitions",
                "unikernelimages.unibloc.io",
                "get"));
        grants.addAll(Grant.of(Grant.CLUSTER, "unibloc.io", List.of("nodestores"), "list", "watch"));
        grants.addAll(Grant.of(Grant.CLUSTER, "", List.of("nodes"), "list", "watch"));
        // UnikernelPodReconciler's informer caches (ClusterReads): Nodes and NodeStores above, StorageClasses and
        // RuntimeClasses; RuntimeClasses also read by GET until that cache synced (refused Pods, stale scheduling).
        grants.addAll(Grant.of(Grant.CLUSTER, "storage.k8s.io", List.of("storageclasses"), "list", "watch"));
        grants.addAll(Grant.of(Grant.CLUSTER, "node.k8s.io", List.of("runtimeclasses"), "get", "list", "watch"));
        return grants;
    }

    /** The csi-controller's own calls plus those of its external-provisioner sidecar (same ServiceAccount). */
    static Set<Grant> csiController(String releaseNamespace) {
        Set<Grant> grants = new LinkedHashSet<>();
        String cluster = Grant.CLUSTER;
        // csi-controller: BlockVolumeRecords (get/create/delete/list, watch to wait for Ready), NodeStores (get/list),
        // ClaimLookup (get).
        grants.addAll(
                Grant.of(cluster, "unibloc.io", List.of("blockvolumes"), "get", "list", "watch", "create", "delete"));
        grants.addAll(Grant.of(cluster, "unibloc.io", List.of("nodestores"), "get", "list"));
        grants.addAll(Grant.of(cluster, "", List.of("persistentvolumeclaims"), "get"));
        // PullCredentials: the pull Secrets a claim names (DockerConfigSecrets.read), to pin with the node's
        // credentials.
        grants.addAll(Grant.of(cluster, "", List.of("secrets"), "get"));
        // NodeCleanup: Node informer and finalizer (edit = PATCH); a gone node's BlockVolumes (finalizer by PATCH,
        // delete) and its NodeStore (get, delete).
        grants.addAll(Grant.of(cluster, "", List.of("nodes"), "get", "list", "watch", "patch"));
        grants.addAll(Grant.of(cluster, "unibloc.io", List.of("blockvolumes"), "patch", "delete"));
        grants.addAll(Grant.of(cluster, "unibloc.io", List.of("nodestores"), "get", "delete"));
        // external-provisioner v5 (upstream rules without snapshots).
        grants.addAll(Grant.of(
                cluster, "", List.of("persistentvolumes"), "get", "list", "watch", "create", "patch", "delete"));
        grants.addAll(Grant.of(cluster, "", List.of("persistentvolumeclaims"), "get", "list", "watch", "update"));
        grants.addAll(Grant.of(cluster, "storage.k8s.io", List.of("storageclasses"), "get", "list", "watch"));
        grants.addAll(Grant.of(cluster, "", List.of("events"), "list", "watch", "create", "update", "patch"));
        grants.addAll(Grant.of(cluster, "storage.k8s.io", List.of("csinodes"), "get", "list", "watch"));
        grants.addAll(Grant.of(cluster, "", List.of("nodes"), "get", "list", "watch"));
        grants.addAll(Grant.of(cluster, "storage.k8s.io", List.of("volumeattachments"), "get", "list", "watch"));
        // external-provisioner, namespaced: leader election, capacity objects and their owner chain.
        grants.addAll(Grant.of(
                releaseNamespace,
                "coordination.k8s.io",
                List.of("leases"),
                "get",
                "list",
                "watch",
                "create",
                "update",
                "delete"));
        grants.addAll(Grant.of(
                releaseNamespace,
                "storage.k8s.io",
                List.of("csistoragecapacities"),
                "get",
                "list",
                "watch",
                "create",
                "update",
                "patch",
                "delete"));
        grants.addAll(Grant.of(releaseNamespace, "", List.of("pods"), "get"));
        grants.addAll(Grant.of(releaseNamespace, "apps", List.of("replicasets"), "get"));
        return grants;
    }

    /** The node plugin: BlockVolume controller and status, NodeStore report, pre-warming, node label, pull secrets. */
    static Set<Grant> csiNode() {
        Set<Grant> grants = new LinkedHashSet<>();
        String cluster = Grant.CLUSTER;
        // BlockVolume controller (JOSDK): informer, get, finalizer add/remove by JSON patch (PATCH).
        grants.addAll(Grant.of(cluster, "unibloc.io", List.of("blockvolumes"), "get", "list", "watch", "patch"));
        // VolumeStatusWriter: merge patch on /status.
        grants.addAll(Grant.of(cluster, "unibloc.io", List.of("blockvolumes/status"), "patch"));
        // NodeStoreReporter: get, create once, editStatus.
        grants.addAll(Grant.of(cluster, "unibloc.io", List.of("nodestores"), "get", "create"));
        grants.addAll(Grant.of(cluster, "unibloc.io", List.of("nodestores/status"), "patch"));
        // PrewarmController: UnikernelImage informer in any namespace.
        grants.addAll(Grant.of(cluster, "unibloc.io", List.of("unikernelimages"), "list", "watch"));
        // NodeLabeler (get + edit) and PrewarmController (get) on its own Node.
        grants.addAll(Grant.of(cluster, "", List.of("nodes"), "get", "patch"));
        // PullSecrets.
        grants.addAll(Grant.of(cluster, "", List.of("secrets"), "get"));
        return grants;
    }

    /**
     * The uninstall hook, {@code csi-controller --remove-node-finalizers} (NodeCleanup.removeFinalizers): lists the
     * Nodes and patches the finalizer off; a Node already being deleted is handled as the controller would (get,
     * its BlockVolumes listed, patched and deleted, its NodeStore read and deleted).
     */
    static Set<Grant> nodeFinalizerHook() {
        Set<Grant> grants = new LinkedHashSet<>();
        String cluster = Grant.CLUSTER;
        grants.addAll(Grant.of(cluster, "", List.of("nodes"), "get", "list", "patch"));
        grants.addAll(Grant.of(cluster, "unibloc.io", List.of("blockvolumes"), "get", "list", "patch", "delete"));
        grants.addAll(Grant.of(cluster, "unibloc.io", List.of("nodestores"), "get", "delete"));
        return grants;
    }

    /**
     * One verb on one resource in one scope; resourceName is "" when the rule is not restricted by name.
     *
     * @param scope {@link #CLUSTER} or a namespace
     */
    record Grant(String scope, String apiGroup, String resource, String resourceName, String verb) {
        static final String CLUSTER = "<cluster>";

        static Set<Grant> of(String scope, String apiGroup, List<String> resources, String... verbs) {
            Set<Grant> grants = new LinkedHashSet<>();
            for (String resource : resources) {
                Arrays.stream(verbs).forEach(verb -> grants.add(new Grant(scope, apiGroup, resource, "", verb)));
            }
            return grants;
        }

        @Override
        public String toString() {
            return scope + " " + (apiGroup.isEmpty() ? "core" : apiGroup) + "/" + resource
                    + (resourceName.isEmpty() ? "" : "[" + resourceName + "]") + " " + verb;
        }
    }
}
