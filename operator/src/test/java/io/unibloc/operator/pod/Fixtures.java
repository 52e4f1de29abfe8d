package io.unibloc.operator.pod;

import io.unibloc.api.v1alpha1.UnikernelPod;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.registry.pin.PinnedImage;
import io.unibloc.registry.ref.ImageReference;
import java.util.List;
import java.util.Map;

/** Values shared by the Pod builder tests. */
final class Fixtures {
    static final String DIGEST = "sha256:" + "ab".repeat(32);
    static final PodSettings SETTINGS = new PodSettings(
            "unibloc-kvm", "unibloc", "unibloc/sandbox:0.1.0", "IfNotPresent", List.of(), 128, "256Mi", "1Gi", 250);

    private Fixtures() {}

    static UnikernelPod ukp(String name, UnikernelPodSpec spec) {
        UnikernelPod ukp = new UnikernelPod();
        ukp.getMetadata().setName(name);
        ukp.getMetadata().setNamespace("apps");
        ukp.getMetadata().setUid("uid-" + name);
        ukp.getMetadata().setGeneration(1L);
        ukp.setSpec(spec);
        return ukp;
    }

    static UnikernelPodSpec spec(String image) {
        UnikernelPodSpec spec = new UnikernelPodSpec();
        spec.setImage(image);
        return spec;
    }

    static PinnedImage pinned(String image, Map<String, String> labels) {
        return new PinnedImage(
                ImageReference.parse(image).withDigest(io.unibloc.registry.ref.Digest.parse(DIGEST)), labels);
    }
}
