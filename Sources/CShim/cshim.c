#define _GNU_SOURCE 1
#include "cshim.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/prctl.h>
#include <sys/random.h>
#endif
#ifdef __APPLE__
#include <sys/random.h>
#endif

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
#define CSHIM_HAVE_ADDCLOSEFROM 1
#endif
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 29))
#define CSHIM_HAVE_ADDCHDIR 1
#endif

void cshim_keep_large_blocks(void) {
#ifdef __GLIBC__
    // Blocks below 16 MiB come from the heap (not a fresh mmap each), and up to 16 MiB of free space at
    // the top of an arena stays mapped. Setting either turns off glibc's dynamic threshold.
    mallopt(M_MMAP_THRESHOLD, 16 << 20);
    mallopt(M_TRIM_THRESHOLD, 16 << 20);
    // And an arena grows (and, when trimmed, keeps) 16 MiB of headroom: without it a 2 MB echo still
    // took ~4,400 fresh pages a call in the demo server; with it, ~450.
    mallopt(M_TOP_PAD, 16 << 20);
#endif
}

void cshim_grow_pipe(int fd) {
#if defined(__linux__) && defined(F_SETPIPE_SZ)
    (void)fcntl(fd, F_SETPIPE_SZ, 1 << 20);
#else
    (void)fd;
#endif
}

int cshim_pipe_cloexec(int fds[2]) {
#ifdef __linux__
    return pipe2(fds, O_CLOEXEC) == 0 ? 0 : errno;
#else
    if (pipe(fds) != 0) return errno;
    if (fcntl(fds[0], F_SETFD, FD_CLOEXEC) != 0 || fcntl(fds[1], F_SETFD, FD_CLOEXEC) != 0) {
        int err = errno;
        close(fds[0]);
        close(fds[1]);
        return err;
    }
    return 0;
#endif
}

int cshim_spawn_close_fds_from(posix_spawn_file_actions_t *actions, int lowfd, short *attr_flags) {
#if defined(__APPLE__)
    (void)actions;
    (void)lowfd;
    *attr_flags |= POSIX_SPAWN_CLOEXEC_DEFAULT;
    return 0;
#elif defined(CSHIM_HAVE_ADDCLOSEFROM)
    (void)attr_flags;
    return posix_spawn_file_actions_addclosefrom_np(actions, lowfd);
#elif defined(__linux__)
    // Fallback: one close action per fd currently open. glibc ignores EBADF on close actions for fds
    // in range, so the directory's own fd (closed before the spawn) is harmless.
    (void)attr_flags;
    DIR *dir = opendir("/proc/self/fd");
    if (dir == NULL) return errno;
    int result = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        char *end = NULL;
        long fd = strtol(entry->d_name, &end, 10);
        if (end == entry->d_name || *end != '\0' || fd < lowfd || fd == dirfd(dir)) continue;
        result = posix_spawn_file_actions_addclose(actions, (int)fd);
        if (result != 0) break;
    }
    closedir(dir);
    return result;
#else
    (void)actions;
    (void)lowfd;
    (void)attr_flags;
    return ENOSYS;
#endif
}

int cshim_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
#if defined(__APPLE__) || defined(CSHIM_HAVE_ADDCHDIR)
    return posix_spawn_file_actions_addchdir_np(actions, path);
#else
    (void)actions;
    (void)path;
    return ENOSYS;
#endif
}

int cshim_set_parent_death_signal(int sig) {
#ifdef __linux__
    return prctl(PR_SET_PDEATHSIG, (unsigned long)sig, 0UL, 0UL, 0UL) == 0 ? 0 : errno;
#else
    (void)sig;
    return ENOSYS;
#endif
}

int cshim_set_child_subreaper(int on) {
#ifdef __linux__
    return prctl(PR_SET_CHILD_SUBREAPER, (unsigned long)(on ? 1 : 0), 0UL, 0UL, 0UL) == 0 ? 0 : errno;
#else
    (void)on;
    return ENOSYS;
#endif
}

int cshim_wait_exit(pid_t pid, int keep_zombie, int *signaled, int *value) {
    siginfo_t info;
    int options = WEXITED | (keep_zombie ? WNOWAIT : 0);
    for (;;) {
        memset(&info, 0, sizeof info);
        if (waitid(P_PID, (id_t)pid, &info, options) == 0) break;
        if (errno != EINTR) return errno;
    }
    if (info.si_code == CLD_EXITED) {
        *signaled = 0;
    } else {
        *signaled = 1;  // CLD_KILLED or CLD_DUMPED (only WEXITED was requested)
    }
    *value = info.si_status;
    return 0;
}

#ifdef __linux__
// Reads the state, ppid and pgrp of one /proc entry name ("1234"); returns 0, or -1 when it is not
// a process (or it vanished). Format: pid (comm) state ppid pgrp ... ; comm may hold spaces and ')'.
static int cshim_read_proc_stat(const char *name, long *pid, char *state, long *ppid, long *pgrp) {
    char *end = NULL;
    *pid = strtol(name, &end, 10);
    if (end == name || *end != '\0' || *pid <= 0) return -1;
    char path[64];
    char buf[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", *pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = '\0';
    char *close_paren = strrchr(buf, ')');
    if (close_paren == NULL) return -1;
    return sscanf(close_paren + 1, " %c %ld %ld", state, ppid, pgrp) == 3 ? 0 : -1;
}
#endif

int cshim_group_has_live_members(pid_t pgid, pid_t exclude) {
#ifdef __linux__
    DIR *dir = opendir("/proc");
    if (dir == NULL) return -1;
    int found = 0;
    struct dirent *entry;
    while (!found && (entry = readdir(dir)) != NULL) {
        long pid = 0, ppid = 0, pgrp = 0;
        char state = 0;
        if (cshim_read_proc_stat(entry->d_name, &pid, &state, &ppid, &pgrp) != 0 || pid == (long)exclude) continue;
        if (pgrp == (long)pgid && state != 'Z' && state != 'X') found = 1;
    }
    closedir(dir);
    return found;
#else
    (void)pgid;
    (void)exclude;
    return -1;
#endif
}

int cshim_random_bytes(void *buf, size_t len) {
    unsigned char *p = (unsigned char *)buf;
    while (len > 0) {
#ifdef __linux__
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        p += n;
        len -= (size_t)n;
#else
        size_t chunk = len > 256 ? 256 : len;
        if (getentropy(p, chunk) != 0) return errno;
        p += chunk;
        len -= chunk;
#endif
    }
    return 0;
}

int cshim_set_thread_name(const char *name) {
#if defined(__APPLE__)
    return pthread_setname_np(name);
#elif defined(__linux__)
    char cut[16];
    strncpy(cut, name, sizeof cut - 1);
    cut[sizeof cut - 1] = '\0';
    return pthread_setname_np(pthread_self(), cut);
#else
    (void)name;
    return ENOSYS;
#endif
}

// MARK: - supervisor mode

#ifdef __linux__
static void cshim_supervisor_signal_set(sigset_t *set) {
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGHUP);
    sigaddset(set, SIGCHLD);
}
#endif

int cshim_block_supervisor_signals(void) {
#ifdef __linux__
    sigset_t set;
    cshim_supervisor_signal_set(&set);
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0) return errno;
    struct sigaction ignore;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    if (sigaction(SIGPIPE, &ignore, NULL) != 0) return errno;
    return 0;
#else
    return ENOSYS;
#endif
}

int cshim_wait_supervisor_signal(int timeout_ms) {
#ifdef __linux__
    sigset_t set;
    cshim_supervisor_signal_set(&set);
    struct timespec timeout;
    timeout.tv_sec = timeout_ms / 1000;
    timeout.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
    int sig = sigtimedwait(&set, NULL, &timeout);
    if (sig > 0) return sig;
    if (errno == EAGAIN || errno == EINTR) return 0;
    return -errno;
#else
    (void)timeout_ms;
    return -ENOSYS;
#endif
}

void cshim_exit_like(int signaled, int value) {
    if (!signaled) _exit(value & 0xff);
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    struct sigaction deflt;
    memset(&deflt, 0, sizeof deflt);
    deflt.sa_handler = SIG_DFL;
    sigemptyset(&deflt.sa_mask);
    sigaction(value, &deflt, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, value);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(value);
    _exit(128 + (value & 0x7f));
}

int cshim_process_table(pid_t *pids, pid_t *ppids, char *states, int capacity) {
#ifdef __linux__
    DIR *dir = opendir("/proc");
    if (dir == NULL) return -1;
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        long pid = 0, ppid = 0, pgrp = 0;
        char state = 0;
        if (cshim_read_proc_stat(entry->d_name, &pid, &state, &ppid, &pgrp) != 0) continue;
        if (count < capacity) {
            pids[count] = (pid_t)pid;
            ppids[count] = (pid_t)ppid;
            states[count] = state;
        }
        count++;
    }
    closedir(dir);
    return count;
#else
    (void)pids;
    (void)ppids;
    (void)states;
    (void)capacity;
    return -1;
#endif
}
