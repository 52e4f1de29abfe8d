/**
 * A tiny Linux test guest made from what the host already has, with nothing downloaded: Debian's kernel
 * ({@code /boot/vmlinuz-*}), a static busybox and the virtio/ext4/vfat modules of that kernel, packed into
 * an initramfs whose {@code /init} mounts {@code /dev/vda} and runs {@code /app/run} from it or prints a
 * marker file ({@link io.unibloc.testkit.guest.TestGuest} documents the protocol). Also builds root
 * filesystem trees and disk images for such guests.
 */
package io.unibloc.testkit.guest;
