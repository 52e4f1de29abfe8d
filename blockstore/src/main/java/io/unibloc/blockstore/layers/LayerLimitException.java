package io.unibloc.blockstore.layers;

import java.io.IOException;

/**
 * A limit tripped while reading a layer. An {@link IOException} so that it passes unchanged through the
 * decompressor and the tar reader; the applier turns it into INVALID_ARGUMENT naming layer and entry.
 */
final class LayerLimitException extends IOException {
    LayerLimitException(String message) {
        super(message);
    }
}
