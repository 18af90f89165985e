package dev.pyfleet.extender;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pyfleet.kube.LeanDecoding;
import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * The application's own JSON mapper reads the extender's requests; like the operator's client, it reads the Pod
 * kube-scheduler sends (and Nodes, from a scheduler without the node cache) without their managed fields.
 */
@Singleton
public class ExtenderJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        LeanDecoding.withoutManagedFields(mapper);
    }
}
