package dev.pyfleet.extender;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;

/** The HTTP face of the extender: POST /scheduler/filter and /scheduler/prioritize, JSON in and out. */
@Path("/scheduler")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ExtenderResource {

    private final Extender extender;
    private final ExtenderMetrics metrics;

    ExtenderResource(ClusterView view, ExtenderMetrics metrics) {
        this.extender = new Extender(view, metrics);
        this.metrics = metrics;
    }

    @POST
    @Path("filter")
    public ExtenderProtocol.FilterResult filter(ExtenderProtocol.Args args) {
        return timed("filter", () -> extender.filter(args));
    }

    @POST
    @Path("prioritize")
    public List<ExtenderProtocol.HostPriority> prioritize(ExtenderProtocol.Args args) {
        return timed("prioritize", () -> extender.prioritize(args));
    }

    private <T> T timed(String verb, Supplier<T> call) {
        long start = System.nanoTime();
        try {
            return call.get();
        } finally {
            metrics.latency(verb, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    @ServerExceptionMapper
    Response notSynced(Extender.NotSyncedException e) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("Error", e.getMessage())).build();
    }

    @ServerExceptionMapper
    Response malformed(Extender.MalformedRequestException e) {
        return badRequest(e.getMessage());
    }

    @ServerExceptionMapper
    Response unreadable(JsonProcessingException e) {
        return badRequest("request body is not valid ExtenderArgs JSON: " + e.getOriginalMessage());
    }

    private static Response badRequest(String message) {
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("Error", message)).build();
    }
}
