package io.unibloc.blockstore.layers;

import io.unibloc.types.StoreException;
import java.io.IOException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Reads a layer once without writing anything, to learn how much room it needs and to refuse bad names
 * and bombs before an image is cloned and mounted. Cheap next to the apply itself for the small upper
 * layers it is used on.
 */
public final class LayerScanner {
    private static final long BLOCK = 4096;

    private final LayerLimits limits;

    public LayerScanner(LayerLimits limits) {
        this.limits = limits;
    }

    /** Errors: INVALID_ARGUMENT naming layer and entry for malformed names, bombs, oversize entries. */
    public LayerSummary scan(LayerSource layer) {
        long entries = 0;
        long data = 0;
        long dirs = 0;
        String current = "(first entry)";
        try (LayerReader reader = new LayerReader(layer, limits)) {
            try {
                TarArchiveEntry entry;
                while ((entry = reader.next()) != null) {
                    current = entry.getName();
                    EntryPath.parse(current);
                    entries++;
                    if (entry.isDirectory()) {
                        dirs++;
                    } else if (entry.isFile()) {
                        if (entry.getSize() > limits.maxEntryBytes()) {
                            throw StoreException.invalid(
                                    "layer " + layer.digest() + " entry '" + current + "': file of " + entry.getSize()
                                            + " bytes is larger than the limit of " + limits.maxEntryBytes());
                        }
                        data += (entry.getSize() + BLOCK - 1) / BLOCK * BLOCK;
                    }
                }
            } catch (IOException e) {
                throw reader.rejection(current, e);
            } catch (EntryPath.Refused refused) {
                throw StoreException.invalid(
                        "layer " + layer.digest() + " entry '" + current + "': " + refused.getMessage());
            }
            return new LayerSummary(entries, data, dirs, reader.uncompressedBytes());
        }
    }
}
