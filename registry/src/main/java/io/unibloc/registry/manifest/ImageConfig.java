package io.unibloc.registry.manifest;

import io.unibloc.registry.ref.Digest;
import java.util.List;
import java.util.Map;

/**
 * What unibloc needs from an image's config blob: platform, labels (the {@code io.unibloc.*} boot
 * hints), the uncompressed layer digests (diff ids, bottom first) and the process defaults.
 */
public record ImageConfig(
        String os,
        String architecture,
        String variant,
        Map<String, String> labels,
        List<Digest> diffIds,
        List<String> env,
        List<String> entrypoint,
        List<String> cmd,
        String workingDir,
        String user) {
    public ImageConfig {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        diffIds = diffIds == null ? List.of() : List.copyOf(diffIds);
        env = env == null ? List.of() : List.copyOf(env);
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
    }
}
