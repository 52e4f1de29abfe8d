/** Rules about the shape of the whole project, checked on every module's main classes at once. */
package io.unibloc.e2e.architecture;
