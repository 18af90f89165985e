package dev.pyfleet.operator;

import java.time.Duration;

/** The operator cannot talk to any API server; the message says where it looked and how to point it elsewhere. */
public final class ApiServerUnreachableException extends RuntimeException {

    ApiServerUnreachableException(String masterUrl, Duration waited, String cause) {
        super("cannot reach the Kubernetes API server at " + masterUrl + " (waited " + waited.toSeconds() + "s; "
                + cause + "). Point the operator at a cluster with KUBECONFIG (or the Java system property "
                + "'kubeconfig'), run it in a cluster with a ServiceAccount, or start a local one with 'make run'.");
    }

    ApiServerUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
