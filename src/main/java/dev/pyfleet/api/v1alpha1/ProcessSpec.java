package dev.pyfleet.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The app's process: a WSGI app under gunicorn, an ASGI app under uvicorn, or a command of the user's. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.type == 'command' || has(self.module)",
        message = "process.module is required when process.type is wsgi or asgi (e.g. \"shop.wsgi:application\")",
        fieldPath = ".module")
@ValidationRule(value = "self.type != 'command' || !has(self.module)",
        message = "process.module is only used by wsgi and asgi; remove it when process.type is command",
        fieldPath = ".module")
@ValidationRule(value = "self.type != 'command' || (has(self.command) && size(self.command) > 0)",
        message = "process.command is required when process.type is command (e.g. [\"python\", \"-m\", \"shop\"])",
        fieldPath = ".command")
@ValidationRule(value = "self.type == 'command' || !has(self.command)",
        message = "process.command is only allowed when process.type is command; wsgi and asgi start process.module",
        fieldPath = ".command")
public record ProcessSpec(
        @Default("wsgi")
        @JsonPropertyDescription("wsgi (gunicorn), asgi (uvicorn) or command.")
        Type type,

        @Size(max = 253) @Pattern("^[A-Za-z_][A-Za-z0-9_.]*(:[A-Za-z_][A-Za-z0-9_.]*(\\(\\))?)?$")
        @JsonPropertyDescription("Import path of the WSGI/ASGI callable, \"package.module:attribute\". Required for "
                + "wsgi and asgi, forbidden for command.")
        String module,

        @Size(max = 64)
        @JsonPropertyDescription("The command and its arguments. Required for command, forbidden otherwise.")
        List<@Size(max = 4096) String> command,

        @Default("0") @Min(0) @Max(64)
        @JsonPropertyDescription("Worker processes for wsgi/asgi. 0 sizes them from the container's CPU and memory: "
                + "2 x CPU + 1, capped so that each worker has at least 128Mi, between 1 and 16.")
        Integer workers) {

    public enum Type {
        @JsonProperty("wsgi") WSGI,
        @JsonProperty("asgi") ASGI,
        @JsonProperty("command") COMMAND
    }
}
