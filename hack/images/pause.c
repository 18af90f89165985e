/*
 * The Pod sandbox's process: holds the Pod's namespaces open, reaps what is reparented to it, and exits on TERM or
 * INT. Built static, so its image is this one file.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void quit(int sig) {
    (void) sig;
    _exit(0);
}

static void reap(int sig) {
    (void) sig;
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
}

int main(void) {
    struct sigaction on_quit = {.sa_handler = quit};
    struct sigaction on_child = {.sa_handler = reap, .sa_flags = SA_NOCLDSTOP};
    sigaction(SIGINT, &on_quit, NULL);
    sigaction(SIGTERM, &on_quit, NULL);
    sigaction(SIGCHLD, &on_child, NULL);
    for (;;) {
        pause();
    }
    return EXIT_SUCCESS;
}
