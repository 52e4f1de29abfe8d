/**
 * Builds OCI test images in memory from file trees given in code, and publishes them.
 *
 * <ul>
 *   <li>{@link io.unibloc.testkit.image.TestLayer} — one layer tar from explicit entries (files, directories,
 *       symlinks, hard links, whiteouts, xattrs, and raw hostile entries), compressed per
 *       {@link io.unibloc.testkit.image.Compression}.</li>
 *   <li>{@link io.unibloc.testkit.image.TestImage} — layers + image config + manifest for one
 *       {@link io.unibloc.testkit.image.Platform}, OCI or Docker schema 2 per
 *       {@link io.unibloc.testkit.image.ImageFormat}.</li>
 *   <li>{@link io.unibloc.testkit.image.TestIndex} — a multi-platform index (or Docker manifest list) over
 *       several images.</li>
 * </ul>
 *
 * Both images and indexes are {@link io.unibloc.testkit.image.OciArtifact}s: they push to a registry or write an OCI
 * image layout directory, and report every digest ({@link io.unibloc.testkit.image.ImageDigests}) so tests can
 * compare what a puller produced with what was published. Output is deterministic: the same entries give the same
 * digests on every run (fixed default times, no random padding).
 */
package io.unibloc.testkit.image;
