package io.unibloc.sandbox;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.unibloc.sandbox.runtime.BootEvidence;
import io.unibloc.sandbox.runtime.GuestExit;
import io.unibloc.sandbox.runtime.RunResult;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the sandbox tells the outside about a boot, in files a Kubernetes node can read without parsing logs:
 *
 * <ul>
 *   <li>the <b>ready file</b> ({@value #ENV_READY_FILE}), created at the guest's first console output with
 *       {@code {"accel":..,"machine":..,"firstOutputMillis":..}}: the Pod's exec startup probe {@code test -f FILE}
 *       lets it turn Ready only on evidence that the guest runs. The file lives on an emptyDir that outlives a
 *       killed container, so each start removes a leftover first ({@link #starting()});
 *   <li>the <b>termination message</b> ({@value #ENV_TERMINATION_LOG}, default {@code /dev/termination-log}
 *       when it exists), written when the guest ended, with {@code {"reason":..,"exitCode":..,"accel":..,
 *       "message":..}}: Kubernetes copies it into the container status, where the operator reads why (for
 *       instance {@code BootTimeout}).
 * </ul>
 *
 * Writing either is best effort: a failure is logged and never changes the guest's exit status. The JSON is
 * written with Jackson's streaming generator: the ready file is on the path to a Ready Pod, where data binding's
 * start-up would cost more than the whole file.
 */
public final class StatusFiles {

    /** Path of the ready file; unset means none is written. */
    public static final String ENV_READY_FILE = "UNIBLOC_READY_FILE";
    /** Path of the termination message file; unset means {@code /dev/termination-log} when that exists. */
    public static final String ENV_TERMINATION_LOG = "UNIBLOC_TERMINATION_LOG";

    static final Path KUBERNETES_TERMINATION_LOG = Path.of("/dev/termination-log");
    /** Kubernetes keeps at most 4096 bytes of a termination message. */
    private static final int MAX_MESSAGE = 3800;

    private static final Logger LOG = LoggerFactory.getLogger(StatusFiles.class);

    private final Path readyFile;
    private final Path terminationLog;

    StatusFiles(Path readyFile, Path terminationLog) {
        this.readyFile = readyFile;
        this.terminationLog = terminationLog;
    }

    /** The files the environment names, with {@code /dev/termination-log} as the default when it exists. */
    static StatusFiles fromEnvironment(Map<String, String> env) {
        String ready = env.get(ENV_READY_FILE);
        String termination = env.get(ENV_TERMINATION_LOG);
        Path terminationPath = termination != null && !termination.isBlank()
                ? Path.of(termination.strip())
                : Files.isWritable(KUBERNETES_TERMINATION_LOG) ? KUBERNETES_TERMINATION_LOG : null;
        return new StatusFiles(ready == null || ready.isBlank() ? null : Path.of(ready.strip()), terminationPath);
    }

    /**
     * Removes a ready file left by a previous container of the same Pod that was killed (SIGKILL, OOM) before it
     * could remove its own: otherwise the new container's startup probe would pass before its guest printed.
     */
    void starting() {
        if (readyFile != null) {
            try {
                Files.deleteIfExists(readyFile);
            } catch (IOException e) {
                LOG.warn("cannot remove leftover ready file={}: {}", readyFile, e.getMessage());
            }
        }
    }

    /** Creates the ready file. */
    void running(BootEvidence evidence) {
        if (readyFile == null) {
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("accel", evidence.accel());
        fields.put("machine", evidence.machine());
        fields.put("firstOutputMillis", evidence.after().toMillis());
        write(readyFile, fields);
    }

    /** Removes the ready file and writes the termination message. */
    void ended(RunResult result) {
        if (readyFile != null) {
            try {
                Files.deleteIfExists(readyFile);
            } catch (IOException e) {
                LOG.warn("cannot remove ready file={}: {}", readyFile, e.getMessage());
            }
        }
        if (terminationLog == null) {
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("reason", reason(result.exit()));
        fields.put("exitCode", result.exitCode());
        fields.put("accel", result.accel().name().toLowerCase(Locale.ROOT));
        String message = result.exit().describe();
        fields.put("message", message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "..." : message);
        write(terminationLog, fields);
    }

    /** Writes a failure that happened before any guest ran (bad spec, VMM that cannot start). */
    void failed(String message) {
        failed("SandboxFailed", message);
    }

    /**
     * Writes a failure that happened before any guest ran, with its own reason ({@code NetworkSetupFailed} when the
     * guest's network could not be set up).
     */
    void failed(String reason, String message) {
        if (terminationLog == null) {
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("reason", reason);
        fields.put("exitCode", GuestExit.SANDBOX_FAILURE);
        fields.put("message", message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "..." : message);
        write(terminationLog, fields);
    }

    /** A short CamelCase reason per outcome, stable for the operator to match on. */
    static String reason(GuestExit exit) {
        if (exit instanceof GuestExit.PoweredOff) {
            return "PoweredOff";
        } else if (exit instanceof GuestExit.DebugExit) {
            return "GuestExited";
        } else if (exit instanceof GuestExit.Reset) {
            return "GuestReset";
        } else if (exit instanceof GuestExit.BootTimeout) {
            return "BootTimeout";
        } else if (exit instanceof GuestExit.Killed) {
            return "Killed";
        } else if (exit instanceof GuestExit.Stopped) {
            return "Stopped";
        }
        return "VmmFailed";
    }

    private static void write(Path file, Map<String, Object> fields) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                Files.createDirectories(parent);
            }
            Files.write(file, (json(fields) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.warn("cannot write file={}: {}", file, e.getMessage());
        }
    }

    /** A flat JSON object: numbers as numbers, everything else as strings. */
    private static String json(Map<String, Object> fields) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = new JsonFactory().createGenerator(out)) {
            generator.writeStartObject();
            for (Map.Entry<String, Object> field : fields.entrySet()) {
                if (field.getValue() instanceof Number number) {
                    generator.writeNumberField(field.getKey(), number.longValue());
                } else {
                    generator.writeStringField(field.getKey(), String.valueOf(field.getValue()));
                }
            }
            generator.writeEndObject();
        }
        return out.toString();
    }
}
