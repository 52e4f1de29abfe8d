package io.unibloc.testkit.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipEncodingHelper;

/**
 * Serialises layer entries into an uncompressed tar with commons-compress: POSIX (PAX) long names and big
 * numbers, xattrs as {@code SCHILY.xattr.*}, names written verbatim (absolute and {@code ..} names included).
 *
 * <p>Records are 512 bytes and so is the block size, so the archive ends right after the two zero records and a
 * truncated last entry can be appended by hand after the preceding entries are complete.
 */
final class TarWriter {
    private static final int RECORD = 512;

    private TarWriter() {}

    static byte[] write(List<LayerEntry> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, RECORD, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        try {
            for (int i = 0; i < entries.size(); i++) {
                LayerEntry entry = entries.get(i);
                if (entry.truncated()) {
                    if (i != entries.size() - 1) {
                        throw new IllegalArgumentException("truncated entry '" + entry.name()
                                + "' must be the last entry of the layer; nothing can follow missing data");
                    }
                    tar.flush();
                    appendTruncated(out, toTarEntry(entry));
                    out.write(entry.content());
                    // Deliberately no padding and no end-of-archive records: the data just stops.
                    return out.toByteArray();
                }
                tar.putArchiveEntry(toTarEntry(entry));
                tar.write(entry.content());
                tar.closeArchiveEntry();
            }
            tar.finish();
            tar.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write layer tar into memory", e);
        }
        return out.toByteArray();
    }

    private static void appendTruncated(ByteArrayOutputStream out, TarArchiveEntry entry) throws IOException {
        byte[] header = new byte[RECORD];
        // starMode: sizes beyond the 8 GiB octal field go in base-256, so "absurd size" headers can be built too.
        entry.writeEntryHeader(header, ZipEncodingHelper.getZipEncoding(StandardCharsets.UTF_8), true);
        out.writeBytes(header);
    }

    private static TarArchiveEntry toTarEntry(LayerEntry entry) {
        String name = entry.type() == LayerEntry.Type.DIRECTORY && !entry.name().endsWith("/")
                ? entry.name() + "/"
                : entry.name();
        // preserveAbsolutePath=true: commons-compress would otherwise strip a leading '/', defeating hostile tests.
        TarArchiveEntry tarEntry = new TarArchiveEntry(name, linkFlag(entry.type()), true);
        tarEntry.setMode(entry.effectiveMode());
        Attrs attrs = entry.attrs();
        tarEntry.setUserId(attrs.uid());
        tarEntry.setGroupId(attrs.gid());
        tarEntry.setUserName(attrs.userName());
        tarEntry.setGroupName(attrs.groupName());
        tarEntry.setLastModifiedTime(FileTime.from(attrs.mtime()));
        if (entry.linkTarget() != null) {
            tarEntry.setLinkName(entry.linkTarget());
        }
        if (entry.type() == LayerEntry.Type.CHAR_DEVICE || entry.type() == LayerEntry.Type.BLOCK_DEVICE) {
            tarEntry.setDevMajor(entry.devMajor());
            tarEntry.setDevMinor(entry.devMinor());
        }
        tarEntry.setSize(entry.declaredSize());
        for (Map.Entry<String, String> xattr : attrs.xattrs().entrySet()) {
            tarEntry.addPaxHeader("SCHILY.xattr." + xattr.getKey(), xattr.getValue());
        }
        return tarEntry;
    }

    private static byte linkFlag(LayerEntry.Type type) {
        return switch (type) {
            case FILE -> TarConstants.LF_NORMAL;
            case DIRECTORY -> TarConstants.LF_DIR;
            case SYMLINK -> TarConstants.LF_SYMLINK;
            case HARDLINK -> TarConstants.LF_LINK;
            case CHAR_DEVICE -> TarConstants.LF_CHR;
            case BLOCK_DEVICE -> TarConstants.LF_BLK;
            case FIFO -> TarConstants.LF_FIFO;
        };
    }
}
