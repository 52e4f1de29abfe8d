package io.unibloc.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** How long the node plugin's preparation took, in milliseconds; {@code cached} when no pull or build was needed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BlockVolumeTimings {
    private Long pullMillis;
    private Long buildMillis;
    private Long totalMillis;
    private Boolean cached;

    public Long getPullMillis() {
        return pullMillis;
    }

    public void setPullMillis(Long pullMillis) {
        this.pullMillis = pullMillis;
    }

    public Long getBuildMillis() {
        return buildMillis;
    }

    public void setBuildMillis(Long buildMillis) {
        this.buildMillis = buildMillis;
    }

    public Long getTotalMillis() {
        return totalMillis;
    }

    public void setTotalMillis(Long totalMillis) {
        this.totalMillis = totalMillis;
    }

    public Boolean getCached() {
        return cached;
    }

    public void setCached(Boolean cached) {
        this.cached = cached;
    }
}
