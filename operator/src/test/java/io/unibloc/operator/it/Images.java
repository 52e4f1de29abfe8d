package io.unibloc.operator.it;

import io.unibloc.testkit.image.PushedImage;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestLayer;
import io.unibloc.testkit.registry.TestRegistry;

/** Small unikernel-like images: a kernel file and the {@code io.unibloc.*} labels that point at it. */
final class Images {
    private Images() {}

    static TestImage unikernel(String kernel, String cmdline) {
        return TestImage.builder()
                .label("io.unibloc.kernel", kernel)
                .label("io.unibloc.cmdline", cmdline)
                .label("io.unibloc.guest", "unikraft")
                .layer(TestLayer.builder()
                        .dir("boot")
                        .file(kernel.substring(1), "not really a kernel: " + cmdline)
                        .build())
                .build();
    }

    static PushedImage push(TestRegistry registry, String repository, String tag, String cmdline) {
        return unikernel("/boot/kernel", cmdline).push(registry, repository, tag);
    }
}
