package io.unibloc.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A generated CRD's schema checked the way an API server checks an object: the structural part (types,
 * required, minimum, enum, pattern, lengths) by a JSON schema validator, then every
 * {@code x-kubernetes-validations} rule by a CEL interpreter with Kubernetes' string extensions, with
 * {@code self} bound to the value at the rule's place. Errors read like the API server's: path, then message.
 */
final class CrdSchema {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", SimpleType.DYN)
            .addLibraries(CelExtensions.strings())
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .addLibraries(CelExtensions.strings())
            .build();

    private final JsonNode schema;
    private final JsonSchema structural;

    private CrdSchema(JsonNode schema) {
        this.schema = schema;
        this.structural =
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schema);
    }

    /** The schema of {@code <plural>.unibloc.io-v1.yml} as the build generated it. */
    static CrdSchema generated(String plural) {
        Path file = Paths.get(System.getProperty("unibloc.crd.generated.dir"), plural + ".unibloc.io-v1.yml");
        try {
            JsonNode crd = new YAMLMapper().readTree(file.toFile());
            return new CrdSchema(crd.at("/spec/versions/0/schema/openAPIV3Schema"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read generated CRD " + file, e);
        }
    }

    /** Every rule of the schema with where it sits, for the compile check. */
    List<String> compileAllRules() {
        List<String> problems = new ArrayList<>();
        visitRules(schema, "", (path, rule) -> {
            try {
                COMPILER.compile(rule.get("rule").asText()).getAst();
            } catch (CelValidationException e) {
                problems.add(path + ": rule '" + rule.get("rule").asText() + "' does not compile: " + e.getMessage());
            }
        });
        return problems;
    }

    int ruleCount() {
        int[] n = {0};
        visitRules(schema, "", (path, rule) -> n[0]++);
        return n[0];
    }

    /** The errors an API server would answer for {@code object} (a custom resource as JSON text or tree). */
    List<String> validate(String objectJson) {
        JsonNode object;
        try {
            object = JSON.readTree(objectJson);
        } catch (IOException e) {
            throw new IllegalArgumentException("test object is not JSON: " + objectJson, e);
        }
        List<String> errors = new ArrayList<>();
        for (ValidationMessage m : structural.validate(object)) {
            errors.add(m.getMessage());
        }
        evaluate(schema, object, "", errors);
        return errors;
    }

    private void evaluate(JsonNode schemaNode, JsonNode value, String path, List<String> errors) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return;
        }
        JsonNode rules = schemaNode.get("x-kubernetes-validations");
        if (rules != null) {
            for (JsonNode rule : rules) {
                String expr = rule.get("rule").asText();
                try {
                    CelAbstractSyntaxTree ast = COMPILER.compile(expr).getAst();
                    Object result = RUNTIME.createProgram(ast).eval(Map.of("self", toCel(value)));
                    if (!Boolean.TRUE.equals(result)) {
                        errors.add((path.isEmpty() ? "<root>" : path) + ": "
                                + rule.path("message").asText(expr));
                    }
                } catch (CelValidationException | CelEvaluationException e) {
                    errors.add((path.isEmpty() ? "<root>" : path) + ": rule '" + expr + "' failed: " + e.getMessage());
                }
            }
        }
        JsonNode properties = schemaNode.get("properties");
        if (properties != null && value.isObject()) {
            properties
                    .fields()
                    .forEachRemaining(
                            p -> evaluate(p.getValue(), value.get(p.getKey()), path + "." + p.getKey(), errors));
        }
        JsonNode additional = schemaNode.get("additionalProperties");
        if (additional != null && additional.isObject() && value.isObject()) {
            value.fields().forEachRemaining(e -> evaluate(additional, e.getValue(), path + "." + e.getKey(), errors));
        }
        JsonNode items = schemaNode.get("items");
        if (items != null && value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                evaluate(items, value.get(i), path + "[" + i + "]", errors);
            }
        }
    }

    private interface RuleVisitor {
        void visit(String path, JsonNode rule);
    }

    private static void visitRules(JsonNode node, String path, RuleVisitor visitor) {
        if (node == null || !node.isObject()) {
            return;
        }
        JsonNode rules = node.get("x-kubernetes-validations");
        if (rules != null) {
            rules.forEach(r -> visitor.visit(path.isEmpty() ? "<root>" : path, r));
        }
        JsonNode properties = node.get("properties");
        if (properties != null) {
            properties.fields().forEachRemaining(p -> visitRules(p.getValue(), path + "." + p.getKey(), visitor));
        }
        visitRules(node.get("items"), path + "[]", visitor);
        JsonNode additional = node.get("additionalProperties");
        if (additional != null && additional.isObject()) {
            visitRules(additional, path + ".*", visitor);
        }
    }

    /** JSON as CEL sees it: objects are maps, numbers without a fraction are int (long). */
    private static Object toCel(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isNull()) {
                    map.put(e.getKey(), toCel(e.getValue()));
                }
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(n -> list.add(toCel(n)));
            return list;
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node.asText();
    }
}
