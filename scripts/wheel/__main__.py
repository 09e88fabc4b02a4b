"""The `mcp-firewall-hub` console command of the wheel: replaces this Python process with the
bundled hub binary (os.execv), same pid, same stdin/stdout/stderr, same arguments.

It writes nothing to stdout: in `serve` mode stdout carries only MCP messages. A failure to start
the binary is reported on stderr with the usual shell exit statuses (126, 127).
"""
import errno
import os
import signal
import sys

NAME = "mcp-firewall-hub"


def binary_path():
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", NAME)


def main():
    path = binary_path()
    # Python starts with SIGPIPE and SIGXFSZ ignored, and an ignored signal stays ignored across exec:
    # give the hub the dispositions it would have had if the MCP client had started it directly.
    for name in ("SIGPIPE", "SIGXFSZ"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, signal.SIG_DFL)
    try:
        os.execv(path, [path] + sys.argv[1:])
    except OSError as error:
        if not os.path.exists(path):
            reason = "it is missing from the installed package; reinstall mcp-firewall-hub"
            status = 127
        elif error.errno in (errno.ENOENT, errno.ENOEXEC):  # no such ELF loader here, or not an executable for this machine
            reason = "this wheel holds a Linux binary for another platform or C library (glibc is needed)"
            status = 126
        else:
            reason = error.strerror or str(error)
            status = 126
        sys.stderr.write(f"{NAME}: cannot run the bundled binary {path}: {reason}\n")
        return status


if __name__ == "__main__":
    sys.exit(main())
