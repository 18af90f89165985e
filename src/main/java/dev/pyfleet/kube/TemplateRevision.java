package dev.pyfleet.kube;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The revision of a template: ten hex digits of the SHA-256 of its canonical JSON (map keys sorted), so the same
 * template gives the same revision in every process and any change gives another.
 */
public final class TemplateRevision {

    private static final ObjectMapper CANONICAL_JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private TemplateRevision() {
    }

    public static String of(Object template) {
        try {
            byte[] json = CANONICAL_JSON.writeValueAsString(template).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json)).substring(0, 10);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot compute the revision of " + template.getClass().getSimpleName(),
                    e);
        }
    }
}
