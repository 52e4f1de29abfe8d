package io.unibloc.e2e.cluster;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Disables a test class where no container engine can be reached, with one line saying why, before any of its
 * set-up runs (so nothing is started, probed or downloaded). Reports show its tests as skipped with that reason.
 */
public final class RequiresContainerEngine implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<ContainerEngine> engine = ContainerEngine.detect();
        if (engine.isPresent()) {
            return ConditionEvaluationResult.enabled(
                    "container engine at " + engine.get().endpoint());
        }
        String why = "cluster e2e skipped: no container engine to run k3s in (looked at "
                + ContainerEngine.lookedAt(System.getenv(), Path.of(System.getProperty("user.home"))) + ")";
        // Once per class, on the console too: the one line a reader of the build log needs.
        if (context.getTestMethod().isEmpty()) {
            System.out.println(why);
        }
        return ConditionEvaluationResult.disabled(why);
    }
}
