package io.unibloc.e2e.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs image smoke tests only where podman answers, saying once per test run why they are skipped otherwise, and
 * hands them the {@link BuiltImages}, built once per test run and shared by every class through the root store.
 */
public final class ImageSmoke implements ExecutionCondition, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ImageSmoke.class);

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (podman(context).isPresent()) {
            return ConditionEvaluationResult.enabled("podman found");
        }
        String why = "image smoke tests skipped: no podman answering 'podman info' on PATH"
                + " (apt-get install podman, or scripts/install-deps.sh)";
        // One line for the whole run, however many classes ask.
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("skip-line", key -> {
            System.out.println(why);
            return Boolean.TRUE;
        });
        return ConditionEvaluationResult.disabled(why);
    }

    @SuppressWarnings("unchecked")
    private static Optional<Podman> podman(ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(Podman.class, key -> Podman.find(), Optional.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == BuiltImages.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Podman podman = podman(context).orElseThrow(() -> new IllegalStateException("no podman"));
        // The outcome is kept either way: a failed build fails every class at once instead of running again.
        Object outcome = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(BuiltImages.class, key -> {
            try {
                return BuiltImages.build(podman);
            } catch (IOException e) {
                return new UncheckedIOException(e);
            } catch (RuntimeException e) {
                return e;
            }
        });
        if (outcome instanceof RuntimeException failure) {
            throw new IllegalStateException("the images could not be built", failure);
        }
        return outcome;
    }
}
