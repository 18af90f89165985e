"""PyFleet's readiness check of a pool VM's apps (written by PyFleet).

    python3 ready.py PORT APP=APP_PORT[PATH] ...

Serves GET /ready on PORT: 200 when every app answers, else 503 naming those that do not. An app with a PATH must
answer GET PATH on its port with a status below 400, as a Pod's HTTP probe; an app without one must accept a TCP
connection, as a Pod's TCP probe. KubeVirt probes this port: the VM is Ready while all its apps answer.
"""
import http.client
import http.server
import socket
import sys

TIMEOUT_SECONDS = 3


def parse(arguments):
    apps = []
    for argument in arguments:
        name, _, target = argument.partition("=")
        port, slash, path = target.partition("/")
        apps.append((name, int(port), slash + path if slash else None))
    return apps


def failure(port, path):
    """Why the app on this port does not answer, or None when it does."""
    try:
        if path is None:
            socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_SECONDS).close()
            return None
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_SECONDS)
        try:
            connection.request("GET", path)
            status = connection.getresponse().status
        finally:
            connection.close()
        return None if 200 <= status < 400 else "GET %s answered %d" % (path, status)
    except (OSError, http.client.HTTPException) as error:
        return "port %d: %s" % (port, getattr(error, "strerror", None) or error or type(error).__name__)


def handler(apps):
    class Ready(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path != "/ready":
                self.answer(404, "only /ready is served here\n")
                return
            failures = [(name, failure(port, path)) for name, port, path in apps]
            failing = ["%s (%s)" % (name, why) for name, why in failures if why is not None]
            if failing:
                self.answer(503, "not ready: " + ", ".join(failing) + "\n")
            else:
                self.answer(200, "ready: " + (", ".join(name for name, _, _ in apps) or "no apps") + "\n")

        def answer(self, status, body):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):
            pass

    return Ready


def main():
    port = int(sys.argv[1])
    server = http.server.ThreadingHTTPServer(("0.0.0.0", port), handler(parse(sys.argv[2:])))
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
