package io.unibloc.sandbox.volume;

import io.unibloc.sandbox.spec.FileProjection;
import java.nio.file.Path;
import java.util.List;

/** Files in the filesystem on a device, read and written without mounting it. */
public interface VolumeFiles {

    /**
     * Copies the regular file at {@code pathInFs} out to {@code out}, following symbolic links (e.g.
     * {@code /boot/vmlinuz -> vmlinuz-6.1.0}). Never writes to the device. Repeatable: {@code out} is replaced.
     *
     * @throws VolumeException when the path does not exist, is not a regular file, or the tool fails; the
     *     message names the device and the path
     */
    void extract(Path device, String pathInFs, Path out) throws VolumeException;

    /**
     * Writes each file into the filesystem: missing parent directories are created, an existing file at the
     * target is replaced, the mode is applied where the filesystem has modes and the owner is root. All
     * sources are checked before anything is written. Repeating the call gives the same result.
     *
     * @throws VolumeException when a source is unreadable, the device is read-only, or a write fails
     */
    void project(Path device, List<FileProjection> files) throws VolumeException;
}
