package dev.pyfleet.operator;

import java.util.logging.Handler;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.handlers.ConsoleHandler;

import io.quarkus.runtime.StartupEvent;

/**
 * {@code pyfleet.log.format=json}: one JSON object per line on the console (see {@link JsonLogFormatter}), for log
 * pipelines that parse fields. Switched as the application starts, before the controllers run; the few lines of the
 * boot itself stay in text.
 */
@ApplicationScoped
public class LogFormat {

    void onStart(@Observes @Priority(1) StartupEvent event, OperatorSettings settings) {
        if (settings.log().format() == OperatorSettings.Log.Format.json) {
            JsonLogFormatter json = new JsonLogFormatter();
            for (Handler handler : LogContext.getLogContext().getLogger("").getHandlers()) {
                useFormatter(handler, json);
            }
        }
    }

    private static void useFormatter(Handler handler, JsonLogFormatter json) {
        if (handler instanceof ConsoleHandler) {
            handler.setFormatter(json);
        }
        if (handler instanceof ExtHandler ext) {
            for (Handler child : ext.getHandlers()) {
                useFormatter(child, json);
            }
        }
    }
}
