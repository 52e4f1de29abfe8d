/** The operator's settings under {@code unibloc.operator.*}, read once at start-up. */
package io.unibloc.operator.config;
