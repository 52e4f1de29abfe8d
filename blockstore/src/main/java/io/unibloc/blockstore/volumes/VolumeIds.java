package io.unibloc.blockstore.volumes;

import io.unibloc.blockstore.fs.AtomicFiles;
import io.unibloc.types.StoreException;
import java.util.regex.Pattern;

/**
 * Volume ids become directory names, so they are held to a DNS-subdomain-like form: lowercase letters,
 * digits, {@code -}, {@code .} and {@code _}, starting and ending alphanumeric, no {@code ..}. That excludes
 * every path trick ({@code /}, {@code ..}, leading dots, NUL). The length is capped at {@link #MAX_LENGTH}
 * so that every name derived from an id fits the 255-byte limit of a file name.
 */
public final class VolumeIds {
    /** The longest file name a file system takes (NAME_MAX), in bytes; ids are ASCII, so bytes = characters. */
    static final int NAME_MAX = 255;

    /**
     * The longest accepted id: the longest name derived from it ({@code .tmp-<id>-<uuid>},
     * {@code .del-<id>-<uuid>}, {@code volume-<id>.lock}) must fit NAME_MAX. 213 today; CSI ids
     * ({@code pvc-<uuid>}) have 40.
     */
    public static final int MAX_LENGTH = NAME_MAX
            - Math.max(
                    Math.max(AtomicFiles.TEMP_PREFIX.length(), VolumeDirectory.DELETING_PREFIX.length())
                            + VolumeDirectory.UUID_SUFFIX,
                    VolumeManager.LOCK_PREFIX.length() + ".lock".length());

    private static final Pattern ID = Pattern.compile("[a-z0-9]([a-z0-9._-]*[a-z0-9])?");

    private VolumeIds() {}

    /** Returns {@code id} when valid; INVALID_ARGUMENT naming it (or its length and the limit) otherwise. */
    public static String validate(String id) {
        if (id != null && id.length() > MAX_LENGTH) {
            throw StoreException.invalid("invalid volume id '" + id.substring(0, 40) + "...': " + id.length()
                    + " characters, at most " + MAX_LENGTH + " allowed (the names derived from it must fit "
                    + NAME_MAX + " bytes)");
        }
        if (id == null || !ID.matcher(id).matches() || id.contains("..")) {
            throw StoreException.invalid("invalid volume id '" + id + "': expected 1-" + MAX_LENGTH + " of [a-z0-9._-],"
                    + " starting and ending with a letter or digit, without '..'");
        }
        return id;
    }
}
