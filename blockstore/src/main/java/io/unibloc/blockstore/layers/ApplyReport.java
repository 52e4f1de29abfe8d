package io.unibloc.blockstore.layers;

import java.util.List;

/**
 * What applying one layer did.
 *
 * @param entries           tar entries read
 * @param fileBytes         bytes of regular-file content written
 * @param uncompressedBytes bytes of tar stream read
 * @param skipped           entries left out with a warning (device nodes), as {@code path: reason}
 */
public record ApplyReport(long entries, long fileBytes, long uncompressedBytes, List<String> skipped) {}
