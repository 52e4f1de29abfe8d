/**
 * The {@code unibloc} command for one machine: image pull/build/ls/rm, volumes, df, gc and bench, on top
 * of the block store engine. {@link io.unibloc.cli.Main} is the entry point; {@link io.unibloc.cli.StoreFactory}
 * is the one place that opens the engine; subcommands live in {@code image}, {@code volume}, {@code store}
 * and {@code bench}, one class per command.
 */
package io.unibloc.cli;
