/**
 * RuntimeClasses as the operator needs them: whether one exists (to tell a refused Pod's cause from the API server's
 * structured answer plus our own read, never from its message text), and what scheduling it adds to a Pod now, so a
 * Pod admitted under an older RuntimeClass that can no longer be scheduled is recognised and replaced.
 */
package io.unibloc.operator.runtimeclass;
