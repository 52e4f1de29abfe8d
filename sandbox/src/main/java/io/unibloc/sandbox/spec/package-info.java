/**
 * The boot spec: the JSON contract between the operator (or the CLI) and the sandbox launcher.
 *
 * <p>{@link io.unibloc.sandbox.spec.BootSpec} mirrors the JSON field for field; a field that is absent or
 * {@code null} is "unset" and takes its default in {@link io.unibloc.sandbox.spec.BootSpec#resolve()}.
 * Keeping "unset" distinct from "set to the default" is what lets
 * {@link io.unibloc.sandbox.spec.ImageMetadata} fill unset fields from an image's labels without
 * overriding what the user asked for. {@link io.unibloc.sandbox.spec.BootSpecReader} parses and reports
 * bad input as {@link io.unibloc.sandbox.spec.InvalidBootSpecException} naming the field.
 */
package io.unibloc.sandbox.spec;
