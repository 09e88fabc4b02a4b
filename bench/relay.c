/*
 * bench/relay.c: the floor for any stdio proxy on this machine. It spawns argv[1..] and copies bytes
 * stdin -> child and child -> stdout with two threads doing blocking read/write, without looking at
 * them. bench/run measures it next to the hub: whatever it adds over a direct connection, no proxy
 * that sits in its own process can avoid (two more pipe hops and two more thread wake-ups per call).
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHUNK (1 << 20)

static int to_child[2], from_child[2];

static void copy(int from, int to) {
    char *buffer = malloc(CHUNK);
    ssize_t n;
    while (buffer && (n = read(from, buffer, CHUNK)) > 0) {
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(to, buffer + done, n - done);
            if (w <= 0) return;
            done += w;
        }
    }
    free(buffer);
}

static void *upstream(void *unused) {
    (void)unused;
    copy(0, to_child[1]);
    close(to_child[1]);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2 || pipe(to_child) != 0 || pipe(from_child) != 0) return 64;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(to_child[0], 0);
        dup2(from_child[1], 1);
        close(to_child[0]); close(to_child[1]); close(from_child[0]); close(from_child[1]);
        execv(argv[1], argv + 1);
        _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    pthread_t thread;
    pthread_create(&thread, NULL, upstream, NULL);
    copy(from_child[0], 1);
    int status = 0;
    waitpid(pid, &status, 0);
    return 0;
}
