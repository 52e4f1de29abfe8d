package io.unibloc.api.v1alpha1;

import java.util.List;

/**
 * The values of a failed BlockVolume's {@code status.reason}: part of the API, written by the node plugin and read by
 * the CSI controller (which turns them into the gRPC code of its CreateVolume answer) and by users. They are not the
 * engine's error kinds: the node maps its engine's errors onto these, so that the engine can change without
 * changing what a status means. A reader meets a reason it does not know (a newer node plugin) as {@link
 * #PREPARATION_FAILED}.
 */
public final class BlockVolumeReasons {
    private BlockVolumeReasons() {}

    /** The image, tag, blob or platform does not exist on the registry. */
    public static final String IMAGE_NOT_FOUND = "ImageNotFound";

    /** The registry refused the pull credentials, or none were given for a private image. */
    public static final String REGISTRY_AUTH_FAILED = "RegistryAuthFailed";

    /** The registry stayed unreachable or failing through the node's retries. */
    public static final String REGISTRY_UNAVAILABLE = "RegistryUnavailable";

    /**
     * The volume cannot be built as specified: a malformed image reference or manifest, a blob that does not match
     * its digest, a hostile or malformed layer, a size or filesystem the image does not fit.
     */
    public static final String INVALID_SPEC = "InvalidSpec";

    /** The node's store is full, or a configured limit (size, budget) was reached. */
    public static final String STORE_FULL = "StoreFull";

    /** A volume with this name exists on the node with different parameters. */
    public static final String VOLUME_CONFLICT = "VolumeConflict";

    /** The node's current state forbids the operation (e.g. the volume is still attached). */
    public static final String PRECONDITION_FAILED = "PreconditionFailed";

    /** Anything else: a bug or an unexpected failure of the node (I/O error, a tool that crashed). */
    public static final String PREPARATION_FAILED = "PreparationFailed";

    /** Every reason, for documentation and tests. */
    public static final List<String> ALL = List.of(
            IMAGE_NOT_FOUND,
            REGISTRY_AUTH_FAILED,
            REGISTRY_UNAVAILABLE,
            INVALID_SPEC,
            STORE_FULL,
            VOLUME_CONFLICT,
            PRECONDITION_FAILED,
            PREPARATION_FAILED);
}
