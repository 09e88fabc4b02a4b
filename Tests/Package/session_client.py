"""A minimal MCP client (standard library only) that drives an installed mcp-firewall-hub over stdio the
way an agent does in the seed's single-target mode: initialize, tools/list, an allowed tools/call that
reaches the real server, a held call, and firewall_confirm with the approval code that runs it; or, with --approve-by elicitation
(as `serve` on a hub.json that never hands codes to the model needs), the human approves in the client's form.

It also checks what packaging could break: every stdout line is a JSON-RPC message (the wheel's shim
prints nothing), the hub runs its target supervisor (`--supervise`, a re-exec of /proc/self/exe), with
--exec-of the started pid itself is the bundled binary (os.execv replaced Python) and does not keep the
signals Python ignores, and the hub exits 0 when its input ends.

Usage: session_client.py --hub-version V --allowed TOOL ARGS_JSON --held TOOL ARGS_JSON
                         [--confirmed-text TEXT] [--exec-of PATH] [--targets N]
                         [--approve-by code|elicitation] -- COMMAND [ARGS...]
Prints one line per check; exits 1 on the first failure.
"""
import argparse
import json
import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

DEADLINE = 120.0  # seconds; generous: uvx may fetch the target server first


def check(condition, what, detail="", quiet=False):
    """Prints the check (on success only when not quiet); exits 1 when it failed."""
    if condition and not quiet:
        print(f"ok   {what}", flush=True)
    if not condition:
        print(f"FAIL {what}" + (f": {detail}" if detail else ""), flush=True)
        raise SystemExit(1)


class Session:
    def __init__(self, command, elicitation):
        self.elicitation = elicitation
        self.elicitations = []
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log)
        self.messages = queue.Queue()
        self.not_protocol = []
        self.next_id = 0
        self.list_changed = False
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            try:
                message = json.loads(line)
                if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
                    raise ValueError
            except ValueError:
                self.not_protocol.append(line)
                continue
            self.messages.put(message)
        self.messages.put(None)

    def send(self, message):
        self.process.stdin.write(json.dumps({"jsonrpc": "2.0", **message}).encode() + b"\n")
        self.process.stdin.flush()

    def next_message(self, until, what="the hub answered in time"):
        """The next message; None when `until` passes and `what` is None, else a failed check."""
        try:
            message = self.messages.get(timeout=max(0.0, until - time.monotonic()))
        except queue.Empty:
            if what is None:
                return None
            check(False, what, f"nothing within {DEADLINE:.0f} s; stderr: {self.stderr()}")
        check(message is not None, "the hub kept its stdout open", f"it closed; stderr: {self.stderr()}", quiet=True)
        if message.get("method") == "notifications/tools/list_changed":
            self.list_changed = True
        elif message.get("method") == "elicitation/create" and self.elicitation and "id" in message:
            self.elicitations.append(message.get("params", {}).get("message", ""))  # the human clicks approve
            self.send({"id": message["id"], "result": {"action": "accept", "content": {"approve": True, "remember": "once"}}})
        elif "method" in message and "id" in message:  # any other request to the client: not declared
            self.send({"id": message["id"], "error": {"code": -32601, "message": "not supported by this client"}})
        return message

    def request(self, method, params):
        self.next_id += 1
        ident = self.next_id
        self.send({"id": ident, "method": method, "params": params})
        until = time.monotonic() + DEADLINE
        while True:
            message = self.next_message(until)
            if message.get("id") == ident and "method" not in message:
                check("result" in message, f"{method} answered with a result", json.dumps(message)[:300], quiet=True)
                return message["result"]

    def wait_for_list_changed(self, until):
        while not self.list_changed and self.next_message(until, what=None) is not None:
            pass
        self.list_changed = False

    def stderr(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-2000:]


def text_of(result):
    return "".join(block.get("text", "") for block in result.get("content", []))


def process_table():
    """pid -> (ppid, exe, argv) for every process we may read."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{name}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
            exe = os.readlink(f"/proc/{name}/exe")
        except OSError:
            continue
        table[int(name)] = (ppid, exe, argv)
    return table


def descendants(table, root):
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, (ppid, _, _) in table.items() if ppid == parent]
        found += children
        frontier += children
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hub-version", required=True)
    parser.add_argument("--allowed", nargs=2, required=True, metavar=("TOOL", "ARGS_JSON"))
    parser.add_argument("--held", nargs=2, required=True, metavar=("TOOL", "ARGS_JSON"))
    parser.add_argument("--confirmed-text", default="")
    parser.add_argument("--exec-of")
    parser.add_argument("--targets", type=int, default=1, help="how many target servers (one supervisor each)")
    parser.add_argument("--approve-by", choices=("code", "elicitation"), default="code")
    parser.add_argument("command", nargs="+")
    options = parser.parse_args()

    by_elicitation = options.approve_by == "elicitation"
    session = Session(options.command, elicitation=by_elicitation)
    init = session.request("initialize", {
        "protocolVersion": "2025-06-18", "capabilities": {"elicitation": {}} if by_elicitation else {},
        "clientInfo": {"name": "package-test", "version": "1.0"}})
    info = init.get("serverInfo", {})
    check(info.get("name") == "mcp-firewall-hub" and info.get("version") == options.hub_version,
          f"initialize: serverInfo is mcp-firewall-hub {options.hub_version}", json.dumps(info))
    session.send({"method": "notifications/initialized"})

    wanted = {options.allowed[0], options.held[0], "firewall_confirm"}
    until = time.monotonic() + DEADLINE
    while True:
        names, cursor = set(), None
        while True:
            page = session.request("tools/list", {"cursor": cursor} if cursor else {})
            names |= {tool["name"] for tool in page.get("tools", [])}
            cursor = page.get("nextCursor")
            if not cursor:
                break
        if wanted <= names or time.monotonic() >= until:
            break
        session.wait_for_list_changed(until)  # a slow target's tools arrive with list_changed
    check(wanted <= names, f"tools/list: {', '.join(sorted(wanted))}",
          f"got {sorted(names)}; stderr: {session.stderr()}")

    if options.exec_of:
        exe = os.readlink(f"/proc/{session.process.pid}/exe")
        check(exe == os.path.realpath(options.exec_of), "the started process is the bundled binary (exec'd, same pid)",
              f"/proc/{session.process.pid}/exe is {exe}")
        with open(f"/proc/{session.process.pid}/status") as f:
            ignored = int(next(line for line in f if line.startswith("SigIgn:")).split()[1], 16)
        kept = [name for name in ("SIGPIPE", "SIGXFSZ") if ignored >> (getattr(signal, name) - 1) & 1]
        check(not kept, "the hub does not inherit Python's ignored SIGPIPE / SIGXFSZ", f"still ignored: {kept}")
    table = process_table()
    supervisors = [pid for pid in descendants(table, session.process.pid)
                   if table[pid][2][1:2] == [b"--supervise"] and os.path.basename(table[pid][1]) == "mcp-firewall-hub"]
    check(len(supervisors) == options.targets,
          f"the hub runs each of its {options.targets} target(s) under a --supervise re-exec of the same binary",
          f"descendants: {[(p, table[p][1]) for p in descendants(table, session.process.pid)]}")

    allowed = session.request("tools/call", {"name": options.allowed[0], "arguments": json.loads(options.allowed[1])})
    check(not allowed.get("isError") and text_of(allowed), f"tools/call {options.allowed[0]}: allowed, the server's result",
          json.dumps(allowed)[:300])
    print(f"     {text_of(allowed)[:100]!r}")

    held = session.request("tools/call", {"name": options.held[0], "arguments": json.loads(options.held[1])})
    if by_elicitation:
        check(len(session.elicitations) == 1 and options.held[0].split(".")[-1] in session.elicitations[0],
              f"tools/call {options.held[0]}: held, and the hub asked the human in the client's form",
              repr(session.elicitations))
        confirmed = held
    else:
        code = re.search(r"approval code: \*\*(\d+)\*\*", text_of(held))
        check(held.get("isError") is True and "PAUSED_FOR_APPROVAL" in text_of(held) and code,
              f"tools/call {options.held[0]}: held for approval with a code", text_of(held)[:300])
        call_id = json.loads(text_of(held))["call_id"]
        confirmed = session.request("tools/call", {"name": "firewall_confirm",
                                                   "arguments": {"otp": code.group(1), "call_id": call_id}})
    check(not confirmed.get("isError") and options.confirmed_text in text_of(confirmed),
          f"approved: {options.held[0]} ran on the server", json.dumps(confirmed)[:300])
    print(f"     {text_of(confirmed)[:100]!r}")

    session.process.stdin.close()
    try:
        status = session.process.wait(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        session.process.kill()
        check(False, "the hub exits when its input ends", f"still running after {DEADLINE:.0f} s")
    check(status == 0, "the hub exits 0 when its input ends", f"status {status}; stderr: {session.stderr()}")
    session.reader.join(timeout=DEADLINE)
    check(not session.not_protocol, "stdout carried only JSON-RPC messages", repr(session.not_protocol[:3]))


if __name__ == "__main__":
    main()
