package io.unibloc.e2e.local;

import io.unibloc.testkit.guest.GuestRootfs;
import io.unibloc.testkit.guest.TestGuest;
import io.unibloc.testkit.image.Attrs;
import io.unibloc.testkit.image.Compression;
import io.unibloc.testkit.image.PushedImage;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestLayer;
import io.unibloc.testkit.registry.TestRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The image every test boots, pushed to the test registry. The base layer is the Linux test guest's root
 * (busybox, kernel and initramfs at {@code /boot}) plus two paths that the top layer whites out; the top layer
 * holds the application {@code /app/run} and the marker file {@code /app/marker}, which no other layer has, so
 * a guest that prints the marker and finds the whited-out paths gone has booted the merged image.
 *
 * <p>{@code /app/run} prints {@code app: ...} lines and takes actions as arguments: {@code write} writes
 * {@code $WRITE_TEXT} to {@code /app/written}; {@code remount} tries to remount the root read-write;
 * {@code rawwrite} tries to write a block straight to {@code /dev/vda}. Each reports {@code ok} or
 * {@code refused}.
 *
 * @param pushed where the image lives (tag and pinned digest)
 * @param marker the content of {@code /app/marker}, unique per run
 * @param labels the image config's labels (what the operator turns into a boot spec)
 */
record LayeredGuestImage(PushedImage pushed, String marker, Map<String, String> labels) {

    static final String WHITED_OUT_FILE = "/etc/doomed.conf";
    static final String WHITED_OUT_DIR = "/var/doomed";
    static final String BASE_FILE = "/etc/base.conf";
    static final String BASE_TEXT = "kept from the base layer";

    static final String APP = """
            #!/bin/sh
            echo "app: marker=$(cat /app/marker)"
            echo "app: base=$(cat %s)"
            for path in %s %s; do
              if [ -e "$path" ]; then echo "app: $path present"; else echo "app: $path gone"; fi
            done
            if [ -f /etc/app.conf ]; then
              echo "app: projected=$(cat /etc/app.conf) mode=$(stat -c %%a /etc/app.conf)"
            fi
            for action in "$@"; do
              case "$action" in
                write)
                  if { echo "$WRITE_TEXT" > /app/written && sync; } 2>/dev/null; then echo "app: write ok"; else echo "app: write refused"; fi ;;
                remount)
                  if mount -o remount,rw / 2>/dev/null; then echo "app: remount ok"; else echo "app: remount refused"; fi ;;
                rawwrite)
                  if dd if=/dev/zero of=/dev/vda bs=4096 count=1 seek=16 conv=notrunc,fsync 2>/dev/null; then echo "app: raw write ok"; else echo "app: raw write refused"; fi ;;
                *)
                  echo "app: unknown action $action"; exit 64 ;;
              esac
            done
            echo "app: done"
            """.formatted(BASE_FILE, WHITED_OUT_FILE, WHITED_OUT_DIR);

    /** Builds the two layers in memory (the base from a temporary tree) and pushes the image as {@code e2e/guest:TAG}. */
    static LayeredGuestImage push(TestRegistry registry, TestGuest guest, Path workDir) throws IOException {
        Path tree = Files.createDirectories(workDir.resolve("base-tree"));
        GuestRootfs.builder()
                .file(BASE_FILE, BASE_TEXT + "\n", 0644)
                .file(WHITED_OUT_FILE, "the top layer deletes this\n", 0644)
                .file(WHITED_OUT_DIR + "/data", "the top layer deletes this directory\n", 0644)
                .writeTo(tree);
        guest.installInto(tree);
        TestLayer base = TestLayer.builder().tree(tree).build(Compression.GZIP);

        String marker = "top-layer-marker-" + UUID.randomUUID();
        TestLayer top = TestLayer.builder()
                .dir("app")
                .file("app/marker", marker + "\n")
                .file("app/run", APP, Attrs.defaults().mode(0755))
                .whiteout(WHITED_OUT_FILE.substring(1))
                .whiteout(WHITED_OUT_DIR.substring(1))
                .build(Compression.GZIP);

        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("io.unibloc.kernel", TestGuest.KERNEL_IN_ROOT);
        labels.put("io.unibloc.initrd", TestGuest.INITRD_IN_ROOT);
        labels.put("io.unibloc.guest", "linux");
        labels.put("io.unibloc.vmm", "qemu");
        labels.put("io.unibloc.cmdline", "console=ttyS0 quiet");
        TestImage.Builder image = TestImage.builder().layers(base, top);
        labels.forEach(image::label);
        PushedImage pushed = image.build().push(registry, "e2e/guest", "v1");
        return new LayeredGuestImage(pushed, marker, Map.copyOf(labels));
    }
}
