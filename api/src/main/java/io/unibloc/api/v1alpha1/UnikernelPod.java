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
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "Node", jsonPath = ".status.nodeName", type = Type.STRING)
@AdditionalPrinterColumn(name = "Digest", jsonPath = ".status.shortDigest", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class UnikernelPod extends CustomResource<UnikernelPodSpec, UnikernelPodStatus> implements Namespaced {
    public static final String GROUP = "unibloc.io";
    public static final String VERSION = "v1alpha1";

    @Override
    protected UnikernelPodStatus initStatus() {
        return new UnikernelPodStatus();
    }
}
