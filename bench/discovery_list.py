"""Prints nothing; writes the client-facing tools/list of a real hub to a file.

Usage: discovery_list.py HUB CONFIG OUT [CLIENT_NAME]
Starts `HUB serve --config CONFIG`, initializes as CLIENT_NAME (default claude-code, which gets
`server__tool` names), reads every page of tools/list, writes the `tools` array as JSON to OUT.
The hub's stderr goes to OUT.stderr. Plain JSON-RPC over stdio; needs no package.
"""
import json
import signal
import subprocess
import sys

hub, config, out = sys.argv[1:4]
client = sys.argv[4] if len(sys.argv) > 4 else "claude-code"
signal.alarm(240)
with open(out + ".stderr", "w") as stderr:
    proc = subprocess.Popen([hub, "serve", "--config", config], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=stderr, text=True)

    def send(message):
        proc.stdin.write(json.dumps(message) + "\n")
        proc.stdin.flush()

    def answer(request_id):
        while True:
            line = proc.stdout.readline()
            if not line:
                raise SystemExit("the hub closed stdout; see " + out + ".stderr")
            message = json.loads(line)
            if message.get("id") == request_id and "method" not in message:
                if "error" in message:
                    raise SystemExit("error: " + json.dumps(message["error"]))
                return message["result"]

    send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
          "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                     "clientInfo": {"name": client, "version": "bench"}}})
    answer(1)
    send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    tools, cursor, next_id = [], None, 2
    while True:
        send({"jsonrpc": "2.0", "id": next_id, "method": "tools/list",
              "params": {"cursor": cursor} if cursor else {}})
        result = answer(next_id)
        next_id += 1
        tools += result.get("tools", [])
        cursor = result.get("nextCursor")
        if not cursor:
            break
    proc.stdin.close()
    proc.wait(timeout=30)
with open(out, "w") as f:
    json.dump(tools, f, separators=(",", ":"))
