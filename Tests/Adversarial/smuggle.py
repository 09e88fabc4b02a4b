"""Request smuggling against a real official-SDK server (mcp-server-sqlite), directly and through the hub.

A hostile client hides a `write_query` (DROP TABLE) between bare CRs inside the arguments of an allowed
`list_tables` call. JSON calls CR whitespace, so the hub sees one allowed call; the server reads stdin with
universal newlines, so if the hub forwarded the client's bytes it would see and run the hidden call.
Directly, the attack must work (it proves the payload is real); through the hub, the table must survive.
Usage: smuggle.py HUB_BINARY SQLITE_SERVER WORKDIR
"""
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time

hub, server, work = sys.argv[1], sys.argv[2], sys.argv[3]


def make_db(path):
    if os.path.exists(path):
        os.remove(path)
    with sqlite3.connect(path) as db:
        db.execute("create table users (id integer primary key, name text)")
        db.execute("insert into users (name) values ('ann'), ('bob')")


def table_exists(path):
    with sqlite3.connect(path) as db:
        return db.execute("select count(*) from sqlite_master where name = 'users'").fetchone()[0] == 1


class Peer:
    """A raw stdio client: writes bytes, reads \\n-delimited JSON answers."""

    def __init__(self, argv):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.answers = {}
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: self.proc.stderr.read(), daemon=True).start()

    def _read(self):
        for raw in self.proc.stdout:
            try:
                message = json.loads(raw)
            except ValueError:
                continue
            if "id" in message and ("result" in message or "error" in message):
                with self.cond:
                    self.answers[message["id"]] = message
                    self.cond.notify_all()

    def send(self, data: bytes):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def request(self, id_, method, params):
        self.send(json.dumps({"jsonrpc": "2.0", "id": id_, "method": method, "params": params}).encode() + b"\n")
        return self.wait(id_)

    def wait(self, id_, timeout=60):
        deadline = time.monotonic() + timeout
        with self.cond:
            while id_ not in self.answers:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no answer to id {id_}")
                self.cond.wait(left)
            return self.answers[id_]

    def close(self):
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def attack(peer, tool_name):
    peer.request(1, "initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                                   "clientInfo": {"name": "hostile-client", "version": "1"}})
    peer.send(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
    hidden = json.dumps({"jsonrpc": "2.0", "id": 99, "method": "tools/call",
                         "params": {"name": "write_query", "arguments": {"query": "DROP TABLE users"}}})
    line = ('{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"%s","arguments":{"pad":[\r%s\r]}}}\n'
            % (tool_name, hidden)).encode()
    peer.send(line)
    try:
        return peer.wait(2, timeout=30)
    except TimeoutError:
        return None


database = os.path.join(work, "smuggle.db")

# Directly: the payload is real; the server runs the hidden DROP.
make_db(database)
direct = Peer([server, "--db-path", database])
attack(direct, "list_tables")
deadline = time.monotonic() + 30
while table_exists(database) and time.monotonic() < deadline:
    time.sleep(0.1)
direct.close()
if table_exists(database):
    print("smuggling: the payload did not drop the table even directly; the test proves nothing", file=sys.stderr)
    sys.exit(1)

# Through the hub: one allowed list_tables call reaches the server, nothing else.
make_db(database)
config = os.path.join(work, "smuggle-hub.json")
with open(config, "w") as f:
    json.dump({"servers": {"db": {"command": server, "args": ["--db-path", database],
                                  "policy": {"allow": ["list_tables", "read_query", "describe_table"],
                                             "deny": ["write_query", "create_table"], "default": "deny"}}}}, f)
through = Peer([hub, "serve", "--config", config])
answer = attack(through, "db.list_tables")
through.close()
if not table_exists(database):
    print("smuggling: FAILED — the hidden DROP TABLE ran through the hub", file=sys.stderr)
    sys.exit(1)
if answer is None or "result" not in answer or answer["result"].get("isError"):
    print(f"smuggling: the allowed call itself failed through the hub: {answer}", file=sys.stderr)
    sys.exit(1)
print("smuggling: directly the hidden DROP runs; through the hub only the allowed call ran")
