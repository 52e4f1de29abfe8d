package io.unibloc.operator.it;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The one profile of every operator test: short back-offs so failure and recovery fit in seconds. */
public class OperatorTestProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "unibloc.operator.pin.backoff-initial", "500ms",
                "unibloc.operator.pin.backoff-max", "2s",
                "unibloc.operator.registry.max-attempts", "1",
                "quarkus.operator-sdk.controllers.\"unikernelpod\".retry.interval.initial", "200",
                "quarkus.operator-sdk.controllers.\"unikernelpod\".retry.interval.max", "1000",
                "unibloc.operator.registry.connect-timeout", "2s",
                "quarkus.log.category.\"io.fabric8.kubernetes.client.informers\".level", "WARN",
                // The mock server logs every request at INFO; thousands in the scale test.
                "quarkus.log.category.\"io.fabric8.mockwebserver\".level", "WARN",
                // Other test runs on the machine may hold 8081: any free port.
                "quarkus.http.test-port", "0");
    }
}
