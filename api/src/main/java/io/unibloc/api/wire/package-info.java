/**
 * The names that cross a component boundary (operator, CSI controller, CSI node plugin, chart and RuntimeClasses),
 * each defined once here so that writer and reader cannot drift apart. Names private to one component stay there.
 */
package io.unibloc.api.wire;
