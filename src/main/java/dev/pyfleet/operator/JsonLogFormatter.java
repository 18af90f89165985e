package dev.pyfleet.operator;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jboss.logmanager.ExtFormatter;
import org.jboss.logmanager.ExtLogRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** One JSON object per log record: timestamp, level, loggerName, message, thread and, if any, exception. */
final class JsonLogFormatter extends ExtFormatter {

    private final ObjectMapper json = new ObjectMapper();

    @Override
    public String format(ExtLogRecord record) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("timestamp", record.getInstant().toString());
        line.put("level", record.getLevel().getName());
        line.put("loggerName", record.getLoggerName());
        line.put("message", formatMessage(record));
        line.put("thread", record.getThreadName());
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.put("exception", trace.toString());
        }
        try {
            return json.writeValueAsString(line) + "\n";
        } catch (JsonProcessingException e) {
            return "{\"level\":\"ERROR\",\"message\":\"log record not writable as JSON\"}\n";
        }
    }
}
