package io.unibloc.blockstore.fs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.unibloc.types.StoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;

/**
 * Small state files written crash-safely: a temporary name in the same directory, fsync, rename, fsync of
 * the directory. A reader sees the old content or the new one, never a torn file.
 */
public final class AtomicFiles {
    private static final ObjectMapper JSON = new ObjectMapper()
            .findAndRegisterModules()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** Temporary names start with this; sweeps remove leftovers with it. */
    public static final String TEMP_PREFIX = ".tmp-";

    private AtomicFiles() {}

    public static void writeJson(Path file, Object value) {
        try {
            write(file, JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw StoreException.internal("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes and fsyncs {@code file} under its own name: for files inside a temporary directory that is
     * renamed into place afterwards, where the rename already gives atomicity.
     */
    public static void writeJsonInPlace(Path file, Object value) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(value)));
            channel.force(true);
        } catch (IOException e) {
            throw StoreException.internal("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public static <T> Optional<T> readJson(Path file, Class<T> type) {
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(file), type));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw StoreException.internal("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static void write(Path file, byte[] content) throws IOException {
        Path temp = file.resolveSibling(TEMP_PREFIX + file.getFileName() + "-" + UUID.randomUUID());
        try {
            try (FileChannel channel =
                    FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(content));
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            fsyncDirectory(file.getParent());
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Makes a rename in {@code dir} durable. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Flushes a file's data (a freshly built image) before it is renamed to its final name. */
    public static void fsync(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        } catch (IOException e) {
            throw StoreException.internal("cannot fsync " + file + ": " + e.getMessage(), e);
        }
    }
}
