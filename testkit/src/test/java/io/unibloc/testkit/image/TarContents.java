package io.unibloc.testkit.image;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/** Reads a layer blob back with commons-compress, independently of how the testkit wrote it. */
record TarContents(List<TarArchiveEntry> entries, List<byte[]> data) {

    static TarContents read(byte[] blob, Compression compression) throws IOException {
        InputStream raw = new ByteArrayInputStream(blob);
        InputStream in = switch (compression) {
            case NONE -> raw;
            case GZIP -> new GzipCompressorInputStream(raw);
            case ZSTD -> new ZstdCompressorInputStream(raw);
        };
        List<TarArchiveEntry> entries = new ArrayList<>();
        List<byte[]> data = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                entries.add(entry);
                data.add(tar.readAllBytes());
            }
        }
        return new TarContents(entries, data);
    }

    List<String> names() {
        return entries.stream().map(TarArchiveEntry::getName).toList();
    }

    TarArchiveEntry entry(String name) {
        return entries.stream()
                .filter(e -> e.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no entry " + name + " in " + names()));
    }

    byte[] data(String name) {
        return data.get(entries.indexOf(entry(name)));
    }
}
