package dev.pyfleet.app;

import java.util.List;

import dev.pyfleet.api.v1alpha1.ProcessSpec;
import dev.pyfleet.api.v1alpha1.PythonAppSpec;

/** The command line that starts an app: gunicorn for WSGI, uvicorn for ASGI, or the user's own command. */
public final class ProcessCommand {

    private ProcessCommand() {
    }

    public static List<String> of(PythonAppSpec spec, int port, int workers) {
        ProcessSpec process = spec.process();
        return switch (type(process)) {
            case WSGI -> List.of("gunicorn", "--bind", "0.0.0.0:" + port, "--workers", String.valueOf(workers),
                    "--access-logfile", "-", "--error-logfile", "-", process.module());
            case ASGI -> List.of("uvicorn", process.module(), "--host", "0.0.0.0", "--port", String.valueOf(port),
                    "--workers", String.valueOf(workers));
            case COMMAND -> List.copyOf(process.command());
        };
    }

    public static ProcessSpec.Type type(ProcessSpec process) {
        return process == null || process.type() == null ? ProcessSpec.Type.WSGI : process.type();
    }
}
