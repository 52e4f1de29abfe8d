package io.unibloc.api.v1alpha1.pod;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ExecAction;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.TCPSocketAction;
import java.util.Objects;

/**
 * A readiness or liveness probe the kubelet sends to the Pod's IP, which the guest owns, so the guest's own server
 * answers it. Shaped like a container's probe; {@code exec} is in the schema only to be refused with a message
 * (copying a container's probe must not silently drop it): there is no process to exec into, the application runs
 * inside the guest.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "!has(self.exec)",
        message = "exec probes cannot run: the application is inside the guest and there is no process to exec into;"
                + " probe the guest's port with tcpSocket or httpGet")
@ValidationRule(
        value = "has(self.exec) || has(self.tcpSocket) != has(self.httpGet)",
        message = "set exactly one of tcpSocket or httpGet")
@ValidationRule(
        value = "(!has(self.tcpSocket) || has(self.tcpSocket.port)) && (!has(self.httpGet) || has(self.httpGet.port))",
        message = "the probe needs a port: a number or the name of one of spec.ports")
public class GuestProbe {
    @JsonPropertyDescription("Not supported: refused with a message (there is no process to exec into).")
    private ExecAction exec;

    @JsonPropertyDescription("Open a TCP connection to the guest's port (number or a spec.ports name).")
    private TCPSocketAction tcpSocket;

    @JsonPropertyDescription("Send an HTTP GET to the guest's port (number or a spec.ports name); 200-399 passes.")
    private HTTPGetAction httpGet;

    @JsonPropertyDescription("Seconds after the container started before the first probe. Default 0.")
    @Min(0)
    @Max(3600)
    private Integer initialDelaySeconds;

    @JsonPropertyDescription("Seconds between probes. Default 10.")
    @Min(1)
    @Max(3600)
    private Integer periodSeconds;

    @JsonPropertyDescription("Seconds a probe may take. Default 1.")
    @Min(1)
    @Max(3600)
    private Integer timeoutSeconds;

    @JsonPropertyDescription(
            "Successes in a row that count as passing after a failure. Default 1; must be 1 for " + "livenessProbe.")
    @Min(1)
    @Max(100)
    private Integer successThreshold;

    @JsonPropertyDescription("Failures in a row that count as failing. Default 3.")
    @Min(1)
    @Max(100)
    private Integer failureThreshold;

    public ExecAction getExec() {
        return exec;
    }

    public void setExec(ExecAction exec) {
        this.exec = exec;
    }

    public TCPSocketAction getTcpSocket() {
        return tcpSocket;
    }

    public void setTcpSocket(TCPSocketAction tcpSocket) {
        this.tcpSocket = tcpSocket;
    }

    public HTTPGetAction getHttpGet() {
        return httpGet;
    }

    public void setHttpGet(HTTPGetAction httpGet) {
        this.httpGet = httpGet;
    }

    public Integer getInitialDelaySeconds() {
        return initialDelaySeconds;
    }

    public void setInitialDelaySeconds(Integer initialDelaySeconds) {
        this.initialDelaySeconds = initialDelaySeconds;
    }

    public Integer getPeriodSeconds() {
        return periodSeconds;
    }

    public void setPeriodSeconds(Integer periodSeconds) {
        this.periodSeconds = periodSeconds;
    }

    public Integer getTimeoutSeconds() {
        return timeoutSeconds;
    }

    public void setTimeoutSeconds(Integer timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }

    public Integer getSuccessThreshold() {
        return successThreshold;
    }

    public void setSuccessThreshold(Integer successThreshold) {
        this.successThreshold = successThreshold;
    }

    public Integer getFailureThreshold() {
        return failureThreshold;
    }

    public void setFailureThreshold(Integer failureThreshold) {
        this.failureThreshold = failureThreshold;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GuestProbe p
                && Objects.equals(exec, p.exec)
                && Objects.equals(tcpSocket, p.tcpSocket)
                && Objects.equals(httpGet, p.httpGet)
                && Objects.equals(initialDelaySeconds, p.initialDelaySeconds)
                && Objects.equals(periodSeconds, p.periodSeconds)
                && Objects.equals(timeoutSeconds, p.timeoutSeconds)
                && Objects.equals(successThreshold, p.successThreshold)
                && Objects.equals(failureThreshold, p.failureThreshold);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                exec,
                tcpSocket,
                httpGet,
                initialDelaySeconds,
                periodSeconds,
                timeoutSeconds,
                successThreshold,
                failureThreshold);
    }
}
