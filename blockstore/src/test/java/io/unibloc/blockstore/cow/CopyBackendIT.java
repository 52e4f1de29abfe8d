package io.unibloc.blockstore.cow;

import io.unibloc.blockstore.StoreConfig;
import java.nio.file.Path;

class CopyBackendIT extends CowBackendConformance {
    @Override
    protected CowBackend open(Path dir) {
        return Backends.open(dir, StoreConfig.Backend.COPY, StoreConfig.DEFAULT_XFS_LOOP_BYTES);
    }
}
