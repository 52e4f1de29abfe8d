package io.unibloc.testkit.image;

import java.util.Objects;

/**
 * One tar entry of a {@link TestLayer}, exactly as it is written.
 *
 * <p>{@link TestLayer.Builder} makes these with validated names; constructing one directly (and adding it with
 * {@link TestLayer.Builder#entry(LayerEntry)}) is the escape hatch for hostile layers: the name is written verbatim,
 * so it may contain {@code ..} segments or start with {@code /}.
 *
 * @param name the tar name, without the trailing {@code /} of directories (the writer adds it)
 * @param linkTarget target of symlinks and hard links, {@code null} otherwise
 * @param content file data; empty for every other type. Shared, not copied: do not modify.
 * @param declaredSize the size written in the header; larger than {@code content.length} only for a deliberately
 *     truncated last entry
 */
public record LayerEntry(
        Type type,
        String name,
        String linkTarget,
        byte[] content,
        long declaredSize,
        Attrs attrs,
        int devMajor,
        int devMinor) {

    /** The tar entry types a test layer can hold. */
    public enum Type {
        FILE,
        DIRECTORY,
        SYMLINK,
        HARDLINK,
        CHAR_DEVICE,
        BLOCK_DEVICE,
        FIFO
    }

    public LayerEntry {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(attrs, "attrs");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("layer entry name must not be empty");
        }
        boolean link = type == Type.SYMLINK || type == Type.HARDLINK;
        if (link != (linkTarget != null)) {
            throw new IllegalArgumentException("entry '" + name + "' of type " + type
                    + (link ? " needs a link target" : " must not have a link target"));
        }
        if (type != Type.FILE && content.length > 0) {
            throw new IllegalArgumentException("entry '" + name + "' of type " + type + " cannot carry data");
        }
        if (declaredSize < content.length || (type != Type.FILE && declaredSize != 0)) {
            throw new IllegalArgumentException("entry '" + name + "' declares size " + declaredSize + " for "
                    + content.length + " bytes of " + type + " data; only a file may declare more than it has");
        }
    }

    /** A regular file whose declared size matches its content. */
    public static LayerEntry file(String name, byte[] content, Attrs attrs) {
        return new LayerEntry(Type.FILE, name, null, content, content.length, attrs, 0, 0);
    }

    /** An entry without data (directory, fifo) or a link; devices need the canonical constructor. */
    public static LayerEntry of(Type type, String name, String linkTarget, Attrs attrs) {
        return new LayerEntry(type, name, linkTarget, new byte[0], 0, attrs, 0, 0);
    }

    /** Whether the header promises more data than the archive holds. */
    public boolean truncated() {
        return declaredSize > content.length;
    }

    /** The permission bits written, after applying the type default. */
    public int effectiveMode() {
        if (attrs.mode() != Attrs.TYPE_DEFAULT) {
            return attrs.mode();
        }
        return switch (type) {
            case DIRECTORY -> 0755;
            case SYMLINK -> 0777;
            case CHAR_DEVICE, BLOCK_DEVICE, FIFO -> 0600;
            case FILE, HARDLINK -> 0644;
        };
    }
}
