package io.unibloc.csi.common.validate;

import csi.v1.Csi.VolumeCapability;
import csi.v1.Csi.VolumeCapability.AccessMode.Mode;
import io.unibloc.csi.common.grpc.CsiErrors;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * unibloc volumes are raw block devices on one node: access type {@code block}, access modes that keep the
 * volume on a single node. Everything else is INVALID_ARGUMENT naming the field and what was asked.
 */
public final class BlockCapabilities {
    private static final Set<Mode> SUPPORTED = EnumSet.of(
            Mode.SINGLE_NODE_WRITER,
            Mode.SINGLE_NODE_READER_ONLY,
            Mode.SINGLE_NODE_SINGLE_WRITER,
            Mode.SINGLE_NODE_MULTI_WRITER);

    private BlockCapabilities() {}

    /** Checks one capability (present, block, single-node mode); throws INVALID_ARGUMENT otherwise. */
    public static void require(VolumeCapability capability, String field) {
        problem(capability).ifPresent(p -> {
            throw CsiErrors.invalid(field, p);
        });
    }

    /** Checks a non-empty list of capabilities. */
    public static void requireAll(List<VolumeCapability> capabilities, String field) {
        if (capabilities.isEmpty()) {
            throw CsiErrors.missing(field);
        }
        for (int i = 0; i < capabilities.size(); i++) {
            require(capabilities.get(i), field + "[" + i + "]");
        }
    }

    /** Why the capability is not supported, or empty when it is. */
    public static Optional<String> problem(VolumeCapability capability) {
        if (capability == null || capability.equals(VolumeCapability.getDefaultInstance())) {
            return Optional.of("is required");
        }
        switch (capability.getAccessTypeCase()) {
            case BLOCK -> {}
            case MOUNT -> {
                return Optional.of(
                        "access type mount is not supported: unibloc volumes are raw block devices (volumeMode: Block)");
            }
            default -> {
                return Optional.of("access type is missing: set block");
            }
        }
        if (!capability.hasAccessMode()) {
            return Optional.of("access_mode is required");
        }
        Mode mode = capability.getAccessMode().getMode();
        if (!SUPPORTED.contains(mode)) {
            return Optional.of("access mode " + mode + " is not supported: unibloc volumes live on a single node");
        }
        return Optional.empty();
    }

    /** True when the access mode only reads. */
    public static boolean readOnlyMode(VolumeCapability capability) {
        return capability.hasAccessMode() && capability.getAccessMode().getMode() == Mode.SINGLE_NODE_READER_ONLY;
    }
}
