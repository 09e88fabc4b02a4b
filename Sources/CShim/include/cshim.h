#ifndef CSHIM_H
#define CSHIM_H
// Plain prototypes only: _GNU_SOURCE lives in cshim.c (defining it in a public header breaks the
// module build against Dispatch's fd_set). Every function returns 0 on success or an errno value
// (never -1), unless documented otherwise. ENOSYS means "not available on this platform".

#include <spawn.h>
#include <stddef.h>
#include <sys/types.h>

/// glibc only (elsewhere nothing): keeps freed blocks of up to 16 MiB for reuse instead of returning them
/// to the kernel at once (mmap/munmap or trimming the heap). Without it, each megabyte-sized message
/// costs page faults and zeroing for every buffer it passes through; the benchmark measured a 2 MB call
/// at 19 ms of the hub's CPU time, 6.5 ms with it. Call while single-threaded.
void cshim_keep_large_blocks(void);

/// Linux only (elsewhere nothing): asks for a 1 MiB pipe buffer on `fd` (the default is 64 KiB), so a
/// large message crosses in a few wake-ups instead of one per 64 KiB. Best effort: errors are ignored
/// (the size is capped by /proc/sys/fs/pipe-max-size and by the user's pipe quota, which counts every
/// pipe's size: the hub only asks for a pipe that has carried a message over 64 KiB).
void cshim_grow_pipe(int fd);

/// pipe2(fds, O_CLOEXEC); on platforms without pipe2, pipe + FD_CLOEXEC on both ends.
int cshim_pipe_cloexec(int fds[2]);

/// Arrange for every fd >= lowfd to be closed in the spawned child.
/// Linux/glibc >= 2.34: posix_spawn_file_actions_addclosefrom_np. Older glibc: one close action per fd
/// listed in /proc/self/fd. Apple: sets POSIX_SPAWN_CLOEXEC_DEFAULT in *attr_flags (the caller must
/// pass those flags to posix_spawnattr_setflags afterwards; dup2 actions keep their targets open).
int cshim_spawn_close_fds_from(posix_spawn_file_actions_t *actions, int lowfd, short *attr_flags);

/// posix_spawn_file_actions_addchdir_np (glibc >= 2.29, macOS >= 10.15), else ENOSYS.
int cshim_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// prctl(PR_SET_PDEATHSIG, sig) for the calling thread's children-to-be (Linux only, else ENOSYS).
int cshim_set_parent_death_signal(int sig);

/// prctl(PR_SET_CHILD_SUBREAPER, on) (Linux only, else ENOSYS).
int cshim_set_child_subreaper(int on);

/// Blocks until `pid` has exited (EINTR retried). With keep_zombie != 0 the child is NOT reaped
/// (waitid WNOWAIT), so its pid and process-group id cannot be reused yet.
/// On success *signaled is 0 and *value the exit code, or *signaled is 1 and *value the signal number.
int cshim_wait_exit(pid_t pid, int keep_zombie, int *signaled, int *value);

/// 1 if some process other than `exclude` that is not a zombie is in process group `pgid`,
/// 0 if none, -1 if this cannot be determined on this platform (no /proc).
int cshim_group_has_live_members(pid_t pgid, pid_t exclude);

/// Fills buf with len cryptographically secure random bytes (getrandom / getentropy).
int cshim_random_bytes(void *buf, size_t len);

/// Names the calling thread (pthread_setname_np; on Linux cut to the 15 bytes the kernel keeps).
int cshim_set_thread_name(const char *name);

// MARK: supervisor mode (see FirewallHub/Transport/TargetSupervisor.swift)

/// Blocks SIGTERM, SIGINT, SIGHUP and SIGCHLD in the calling thread (to be taken with
/// cshim_wait_supervisor_signal) and ignores SIGPIPE. Linux only, else ENOSYS.
int cshim_block_supervisor_signals(void);

/// sigtimedwait for one of the signals blocked by cshim_block_supervisor_signals, at most timeout_ms.
/// Returns the signal number, 0 on timeout or EINTR, or -errno (-ENOSYS off Linux).
int cshim_wait_supervisor_signal(int timeout_ms);

/// Ends the calling process the way a child ended: _exit(value) when signaled == 0; otherwise resets
/// signal `value` to its default action, disables core dumps, unblocks it and raises it (so a waiting
/// parent sees "killed by signal value"), falling back to _exit(128 + value). Never returns.
void cshim_exit_like(int signaled, int value) __attribute__((noreturn));

/// One row per process in /proc (Linux): pid, parent pid and state letter ('Z' for zombies).
/// Fills at most `capacity` rows and returns how many processes were found (may exceed capacity:
/// call again with more room), or -1 when /proc cannot be read (and off Linux).
int cshim_process_table(pid_t *pids, pid_t *ppids, char *states, int capacity);

#endif
