package io.unibloc.operator.pod;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * The JSON the sandbox reads from {@code UNIBLOC_BOOT_SPEC}. Field names are the contract with
 * {@code io.unibloc.sandbox.spec.BootSpec} and must not change (the sandbox rejects unknown fields;
 * {@code BootSpecContractTest} feeds this JSON to the sandbox's reader); absent values are written as {@code null}.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"vmm", "machine", "guest", "kernel", "kernelHostPath", "initrd", "initrdHostPath", "cmdline",
        "args", "env", "vcpus", "memoryMiB", "rootDevice", "readOnly", "extraDevices", "files",
        "bootTimeoutSeconds"})
public record BootSpec(String vmm, String machine, String guest, String kernel, String kernelHostPath, String initrd,
                       String initrdHostPath, String cmdline, List<String> args, Map<String, String> env, int vcpus,
                       long memoryMiB, String rootDevice, boolean readOnly, List<String> extraDevices,
                       List<File> files, Integer bootTimeoutSeconds) {

    /** A file the sandbox copies from the container into the guest's root filesystem before boot. */
    @JsonPropertyOrder({"source", "target", "mode"})
    public record File(String source, String target, int mode) {}
}
