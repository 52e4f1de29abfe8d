package io.unibloc.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One unikernel guest, run by the operator as a Pod whose sandbox container boots the guest from a
 * copy-on-write block volume built from the image's layers.
 */
@Group(UnikernelPod.GROUP)
@Version(UnikernelPod.VERSION)
@ShortNames("ukp")
@ValidationRule(value = "has(self.spec)", message = "spec is required: set at least spec.image")
// Pairs the sandbox refuses at boot (sandbox BootSpecValidator), refused here at apply instead of as a crash loop.
@ValidationRule(
        value = "!has(self.spec) || !has(self.spec.rootfs) || !has(self.spec.rootfs.readOnly)"
                + " || !self.spec.rootfs.readOnly || !has(self.spec.files) || size(self.spec.files) == 0",
        message = "spec.rootfs.readOnly: true cannot be combined with spec.files: the files are written into the root"
                + " volume before boot; drop readOnly or the files")
@ValidationRule(
        value =
                "!has(self.spec) || !has(self.spec.guest) || self.spec.guest != 'linux' || !has(self.spec.memory)"
                        + " || !self.spec.memory.matches('^[1-9][0-9]*(Mi|Gi)$')"
                        + " || int(self.spec.memory.substring(0, size(self.spec.memory) - 2)) * (self.spec.memory.endsWith('Gi') ? 1024 : 1) >= 64",
        message = "spec.memory must be at least 64Mi for a linux guest (unikernels may use down to 32Mi)")
@ValidationRule(
        value = "!has(self.spec) || !has(self.spec.vmm) || self.spec.vmm == 'qemu' || !has(self.spec.machine)"
                + " || self.spec.machine == 'microvm'",
        message = "spec.machine pc and q35 are QEMU machine types; firecracker and cloud-hypervisor have a single"
                + " machine model (leave spec.machine unset)")
@ValidationRule(
        value = "!has(self.spec) || !has(self.spec.vmm) || !has(self.spec.guest)"
                + " || (self.spec.vmm != 'firecracker' || self.spec.guest in ['linux', 'unikraft'])"
                + " && (self.spec.vmm != 'cloud-hypervisor' || self.spec.guest == 'linux')",
        message = "spec.guest cannot run on spec.vmm: firecracker runs linux and unikraft guests, cloud-hypervisor"
                + " runs linux guests, qemu runs all")
@ValidationRule(
        value = "!has(self.spec) || !has(self.spec.guest) || self.spec.guest != 'solo5' || !has(self.spec.machine)"
                + " || self.spec.machine != 'microvm'",
        message = "a solo5 guest needs spec.machine pc or q35: Solo5's virtio target drives virtio over PCI, which"
                + " microvm lacks")
@ValidationRule(
        value = "!has(self.spec) || !has(self.spec.rootfs) || !has(self.spec.rootfs.writeMode)"
                + " || self.spec.rootfs.writeMode != 'ephemeral' || !has(self.spec.vmm) || self.spec.vmm == 'qemu'"
                + " || has(self.spec.rootfs.readOnly) && self.spec.rootfs.readOnly",
        message = "spec.rootfs.writeMode: ephemeral needs vmm qemu (the guest writes to a qcow2 overlay) unless"
                + " spec.rootfs.readOnly is true; use writeMode persistent with firecracker or cloud-hypervisor")
@ValidationRule(
        value =
                "!has(self.spec) || !has(self.spec.network) || !has(self.spec.network.mode)"
                        + " || self.spec.network.mode != 'none' || !has(self.spec.readinessProbe) && !has(self.spec.livenessProbe)",
        message = "spec.network.mode none gives the guest no NIC, so its probes could never pass; use mode auto, tap"
                + " or passt, or drop readinessProbe and livenessProbe")
// kubectl get pod's order: NAME READY STATUS RESTARTS, then NODE and AGE last; what a Pod list lacks is -o wide.
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.ready", type = Type.STRING)
@AdditionalPrinterColumn(name = "Status", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "Restarts", jsonPath = ".status.restarts", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Node", jsonPath = ".status.nodeName", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
// -o wide: the pinned image and what the guest runs under (kvm, or tcg where the node has no usable KVM).
@AdditionalPrinterColumn(name = "Digest", jsonPath = ".status.shortDigest", type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Accel", jsonPath = ".status.accelerator", type = Type.STRING, priority = 1)
// -o wide: the guest's address (the Pod's IP) and how it is wired (tap, passt, none).
@AdditionalPrinterColumn(name = "IP", jsonPath = ".status.network.podIP", type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Network", jsonPath = ".status.network.mode", type = Type.STRING, priority = 1)
// -o wide: whether the root disk keeps the guest's writes (persistent) or shares the image's page cache (ephemeral).
@AdditionalPrinterColumn(name = "Root", jsonPath = ".status.writeMode", type = Type.STRING, priority = 1)
public class UnikernelPod extends CustomResource<UnikernelPodSpec, UnikernelPodStatus> implements Namespaced {
    public static final String GROUP = "unibloc.io";
    public static final String VERSION = "v1alpha1";
}
