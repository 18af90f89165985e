package dev.pyfleet.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The Argo CD health check shipped in deploy/argocd/, run by a Lua interpreter the way Argo CD runs it: the object
 * as a table converted from its JSON (numbers as numbers, booleans as booleans), the result read from the returned
 * table.
 */
public final class ArgoCdHealth {

    public static final String KEY = "resource.customizations.health.pyfleet.dev_*";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    /** Argo CD's verdict and its message. */
    public record Verdict(String status, String message) {
    }

    private ArgoCdHealth() {
    }

    /** The verdict on an object as the API server returned it. */
    @SuppressWarnings("unchecked")
    public static Verdict of(HasMetadata object) {
        return of(JSON.unmarshal(JSON.asJson(object), Map.class));
    }

    /** The verdict on an object given as its JSON tree. */
    public static Verdict of(Map<String, Object> object) {
        Globals globals = JsePlatform.standardGlobals();
        globals.set("obj", toLua(object));
        LuaTable health = globals.load(script(), "pyfleet-health").call().checktable();
        return new Verdict(health.get("status").tojstring(), health.get("message").tojstring());
    }

    @SuppressWarnings("unchecked")
    public static String script() {
        try {
            Map<String, Object> configMap = YAML.readValue(
                    Files.readString(ControlPlane.repoPath("deploy/argocd/argocd-cm-pyfleet.yaml")), Map.class);
            String script = ((Map<String, String>) configMap.get("data")).get(KEY);
            if (script == null) {
                throw new IllegalStateException("deploy/argocd/argocd-cm-pyfleet.yaml has no " + KEY);
            }
            return script;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static LuaValue toLua(Object value) {
        if (value instanceof Map<?, ?> map) {
            LuaTable table = new LuaTable();
            ((Map<String, Object>) map).forEach((k, v) -> table.set(k, toLua(v)));
            return table;
        }
        if (value instanceof List<?> list) {
            LuaTable table = new LuaTable();
            for (int i = 0; i < list.size(); i++) {
                table.set(i + 1, toLua(list.get(i)));
            }
            return table;
        }
        if (value instanceof Number number) {
            return LuaValue.valueOf(number.doubleValue());
        }
        if (value instanceof Boolean bool) {
            return LuaValue.valueOf(bool);
        }
        return value == null ? LuaValue.NIL : LuaValue.valueOf(value.toString());
    }
}
