"""The issue-14 follow-up review (F1-F8) against the real binary, as a hostile client and a hostile target
(hostile_target.py). Stdlib only. Each check prints PASS or FAIL; the exit status is 1 when any failed.
No check asserts on time: the router's time for one message is printed as a measurement.
Usage: review_findings.py HUB_BINARY WORKDIR [CHECK…]
"""
import json
import os
import queue
import re
import subprocess
import sys
import threading
import time

HUB, WORK = sys.argv[1], sys.argv[2]
ONLY = set(sys.argv[3:])
TARGET = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hostile_target.py")
ENV = "io.modelcontextprotocol/"
FAILED = []
WAIT = 120  # generous: a loaded CI machine, never a timing assertion


def meta(name="review", caps=None):
    return {ENV + "protocolVersion": "2026-07-28", ENV + "clientCapabilities": caps or {},
            ENV + "clientInfo": {"name": name, "version": "1"}}


def check(name, ok, detail=""):
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + str(detail)[:600]), flush=True)
    if not ok:
        FAILED.append(name)


class Hub:
    def __init__(self, tag, servers, extra=None, env=None):
        self.dir = os.path.join(WORK, tag)
        os.makedirs(self.dir, exist_ok=True)
        config = {"servers": servers}
        config.update(extra or {})
        path = os.path.join(self.dir, "hub.json")
        with open(path, "w") as f:
            json.dump(config, f)
        environment = dict(os.environ, XDG_STATE_HOME=self.dir, **(env or {}))
        self.proc = subprocess.Popen([HUB, "serve", "--config", path, "-v"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment, bufsize=0)
        self.messages = queue.Queue()
        self.stderr = []
        self.reading = threading.Event()
        self.reading.set()
        self.next_id = 0
        self.kept = []
        threading.Thread(target=self._out, daemon=True).start()
        threading.Thread(target=self._err, daemon=True).start()

    def _out(self):
        buffer = b""
        while True:
            self.reading.wait()
            chunk = os.read(self.proc.stdout.fileno(), 1 << 16)
            if not chunk:
                self.messages.put(None)
                return
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                self.messages.put(json.loads(line))

    def _err(self):
        for line in self.proc.stderr:
            self.stderr.append(line.decode("utf-8", "replace"))

    def send(self, message):
        self.proc.stdin.write(message if isinstance(message, bytes) else (json.dumps(message) + "\n").encode())
        self.proc.stdin.flush()

    def recv(self, predicate, timeout=WAIT):
        """The first message (kept ones first) that `predicate` accepts; others are kept for later."""
        for i, message in enumerate(self.kept):
            if predicate(message):
                return self.kept.pop(i)
        end = time.time() + timeout
        while time.time() < end:
            try:
                message = self.messages.get(timeout=max(0.01, end - time.time()))
            except queue.Empty:
                return None
            if message is None:
                self.messages.put(None)
                return None
            if predicate(message):
                return message
            if message.get("method") not in ("notifications/message", "notifications/progress"):
                self.kept.append(message)
        return None

    def request(self, method, params=None, id_=None, timeout=WAIT):
        if id_ is None:
            self.next_id += 1
            id_ = self.next_id
        message = {"jsonrpc": "2.0", "id": id_, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return self.recv(lambda m: m.get("id") == id_ and ("result" in m or "error" in m), timeout)

    def initialize(self, caps=None, name="review"):
        answer = self.request("initialize", {"protocolVersion": "2025-11-25", "capabilities": caps or {},
                                             "clientInfo": {"name": name, "version": "1"}})
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return answer

    def rss_mb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS"):
                    return int(line.split()[1]) // 1024
        return -1

    def close(self):
        self.reading.set()
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def target(mode, tag, **extra):
    log = os.path.join(WORK, "%s-%s.jsonl" % (tag, mode))
    entry = {"command": sys.executable, "args": [TARGET, mode, log]}
    entry.update(extra)
    return entry, log


def seen(log):
    if not os.path.exists(log):
        return []
    with open(log) as f:
        return [json.loads(line) for line in f]


def error_of(answer):
    return (answer or {}).get("error") or {}


def wait_ready(hub, tool="hostile.echo", modern=False):
    """Until the target's tools are listed (its start-up is over)."""
    end = time.time() + WAIT
    while time.time() < end:
        params = {"_meta": meta()} if modern else {}
        answer = hub.request("tools/list", params)
        names = [t["name"] for t in (answer or {}).get("result", {}).get("tools", [])]
        if any(n.replace("__", ".") == tool for n in names):
            return True
        time.sleep(0.2)
    return False


def f1_one_budget_per_message():
    """200 URIs, each worth a fifth of the matching budget, in one listen: one budget for the message."""
    entry, _ = target("templates", "f1")
    hub = Hub("f1", {"hostile": entry})
    hub.request("server/discover", {"_meta": meta()})
    time.sleep(0.5)
    uris = ["t://" + "a" * 1200 + "?%d!" % i for i in range(200)]
    started = time.time()
    hub.send({"jsonrpc": "2.0", "id": "L1", "method": "subscriptions/listen",
              "params": {"notifications": {"resourceSubscriptions": uris}, "_meta": meta()}})
    probe = hub.request("server/discover", {"_meta": meta()}, id_="probe")
    elapsed = time.time() - started
    refusal = hub.recv(lambda m: m.get("id") == "L1" or m.get("method", "").endswith("acknowledged"), 10)
    print("  measure F1: listen of 200 costly URIs, then a probe answered after %.2f s" % elapsed)
    check("F1 a listen whose URIs exhaust the budget is refused as a whole (-32602)",
          error_of(refusal).get("code") == -32602 and "matching" in error_of(refusal).get("message", ""), refusal)
    check("F1 the router answered the probe", probe is not None and "result" in probe, probe)
    hub.close()


def f2_listen_bounds_and_coalescing():
    entry, log = target("files-modern", "f2", protocol="modern")
    hub = Hub("f2", {"files": entry})
    hub.request("server/discover", {"_meta": meta()})
    wait_ready(hub, "files.echo", modern=True)

    def acked(id_):
        return hub.recv(lambda m: m.get("id") == id_ or (
            m.get("method") == "notifications/subscriptions/acknowledged"
            and m["params"]["_meta"][ENV + "subscriptionId"] == id_))

    held = ["file:///d/%05d" % i for i in range(500)]
    hub.send({"jsonrpc": "2.0", "id": "big", "method": "subscriptions/listen",
              "params": {"notifications": {"resourceSubscriptions": held}, "_meta": meta()}})
    check("F2 a listen of 500 URIs is acknowledged", (acked("big") or {}).get("method") is not None)
    before = [r for r in seen(log) if r["method"] == "subscriptions/listen"]
    pairs = 200
    sent = 0
    for k in range(pairs):
        for message in ({"jsonrpc": "2.0", "id": "s%d" % k, "method": "subscriptions/listen",
                         "params": {"notifications": {"resourceSubscriptions": ["file:///x/%d" % k]},
                                    "_meta": meta()}},
                        {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": "s%d" % k}}):
            line = (json.dumps(message) + "\n").encode()
            sent += len(line)
            hub.send(line)
    probe = hub.request("server/discover", {"_meta": meta()}, id_="probe")
    time.sleep(1)
    after = [r for r in seen(log) if r["method"] == "subscriptions/listen"][len(before):]
    relayed = sum(r["bytes"] for r in after)
    print("  measure F2: %d listen/cancel pairs (%d client bytes) made the hub send %d listen requests "
          "(%d bytes) to the target" % (pairs, sent, len(after), relayed))
    # The target never acknowledges a stream naming file:///x/…: the first change opens one, and every
    # later change must wait for it (one opening in flight); a release never re-opens.
    check("F2 changes while a stream opens are coalesced, releases resend nothing",
          len(after) == 1, (len(after), relayed, sent))
    check("F2 the router answered the probe", probe is not None and "result" in probe, probe)
    first = hub.send({"jsonrpc": "2.0", "id": "same", "method": "subscriptions/listen",
                      "params": {"notifications": {"toolsListChanged": True}, "_meta": meta()}})
    acked("same")
    again = hub.request("subscriptions/listen", {"notifications": {"toolsListChanged": True}, "_meta": meta()},
                        id_="same", timeout=10)
    check("F2 a second listen under an open stream's id is refused", error_of(again).get("code") == -32600, again)
    too_many = ["file:///m/%d" % i for i in range(1025)]
    refusal = hub.request("subscriptions/listen", {"notifications": {"resourceSubscriptions": too_many},
                                                   "_meta": meta()}, id_="many", timeout=10)
    check("F2 a listen naming over 1024 URIs is refused", error_of(refusal).get("code") == -32602, refusal)
    del first
    hub.close()


def f4_control_characters():
    entry, log = target("files", "f4", policy={"resources": {"deny": ["file:///etc/*"]}})
    hub = Hub("f4", {"files": entry})
    hub.initialize()
    wait_ready(hub, "files.echo")
    for uri in ("file:///et\tc/passwd", "file:///e\ntc/passwd", "file:///etc/pass\rwd", " file:///etc/passwd",
                "file:///etc/passwd\x00", "file:///etc/pass wd", "file:///etc/\x7fpasswd"):
        for method in ("resources/read", "resources/subscribe"):
            answer = hub.request(method, {"uri": uri}, timeout=10)
            check("F4 %s %r is refused -32602" % (method, uri), error_of(answer).get("code") == -32602, answer)
    hub.close()
    entry, log = target("files", "f4m", policy={"resources": {"deny": ["file:///etc/*"]}})
    hub = Hub("f4m", {"files": entry})
    hub.request("server/discover", {"_meta": meta()})
    wait_ready(hub, "files.echo", modern=True)
    answer = hub.request("subscriptions/listen", {"notifications": {
        "resourceSubscriptions": ["file:///home/me/notes.txt", "file:///et\tc/passwd"]}, "_meta": meta()},
        id_="tab", timeout=10)
    check("F4 a listen naming a URI with a tab is refused -32602", error_of(answer).get("code") == -32602, answer)
    reached = [r["raw"] for r in seen(log) if "passwd" in r["raw"] and r["method"] != "resources/list"]
    check("F4 no refused URI reached the target", not reached, reached)
    hub.close()


def f3_legacy_input_required():
    entry, log = target("fake-ir", "f3")
    hub = Hub("f3", {"hostile": entry})
    hub.request("server/discover", {"_meta": meta(caps={"elicitation": {"form": {}}})})
    wait_ready(hub, modern=True)
    for method, params in (("tools/call", {"name": "hostile.echo", "arguments": {}}), ("prompts/get", {"name": "hostile.pp"})):
        params["_meta"] = meta(caps={"elicitation": {"form": {}}})
        answer = hub.request(method, params)
        text = json.dumps(answer)
        check("F3 a legacy target's input_required to %s is not passed on" % method,
              "error" in (answer or {}) and "inputRequests" not in text, text[:300])
    hub.close()


def f5_secrets_in_the_log():
    secret = "sk_live_SuperSecretToken123"
    entry, _ = target("leak", "f5", env={"TOKEN": "${MY_TOKEN}"})
    hub = Hub("f5", {"leak": entry}, env={"MY_TOKEN": secret})
    hub.initialize()
    end = time.time() + WAIT
    while time.time() < end and not any("unknown/" in line for line in hub.stderr):
        time.sleep(0.2)
    hub.close()
    leaked = [line for line in hub.stderr if secret[:12] in line]
    check("F5 the hub's stderr never shows a ${VAR} value", not leaked and hub.stderr, leaked)
    check("F5 the lines that quoted it show the reference",
          sum("${MY_TOKEN}" in line for line in hub.stderr) >= 2, hub.stderr[-8:])


def f6_flood():
    entry, _ = target("flood", "f6")
    hub = Hub("f6", {"hostile": entry})
    hub.initialize()
    wait_ready(hub, "hostile.flood")
    hub.reading.clear()  # the client stops reading
    time.sleep(0.5)
    hub.send({"jsonrpc": "2.0", "id": "flood", "method": "tools/call",
              "params": {"name": "hostile.flood", "arguments": {"n": 150000, "size": 2000}}})
    peak = 0
    end = time.time() + WAIT
    while time.time() < end and not any("dropping" in line for line in hub.stderr):
        time.sleep(0.5)
    for _ in range(20):  # let the rest of the flood arrive
        time.sleep(0.5)
        peak = max(peak, hub.rss_mb())
    print("  measure F6: hub RSS %d MB while a target flooded 300 MB of log messages to a client that reads nothing"
          % peak)
    check("F6 the hub's memory stays bounded (under 150 MB) against a flood", peak < 150, peak)
    hub.reading.set()
    answer = hub.recv(lambda m: m.get("id") == "flood")
    check("F6 the call's answer is never dropped", answer is not None and "result" in answer, answer)
    hub.close()
    # Once per burst: the flood may outlast the pause, so there may be a second burst, never one line per drop.
    bursts = sum("dropping" in line for line in hub.stderr)
    check("F6 the drops are logged once per burst", 1 <= bursts <= 3, [line for line in hub.stderr if "dropp" in line])


def f6_deaf_target():
    """A target that stops reading: the client's calls to it are refused once 8 MiB wait, not queued."""
    entry, _ = target("deaf", "f6d")
    hub = Hub("f6d", {"hostile": entry})
    hub.initialize()
    wait_ready(hub)
    pad = "y" * (1 << 20)
    for i in range(40):
        hub.send({"jsonrpc": "2.0", "id": "big%d" % i, "method": "tools/call",
                  "params": {"name": "hostile.echo", "arguments": {"pad": pad}}})
    refused = hub.recv(lambda m: str(m.get("id", "")).startswith("big") and "error" in m)
    rss = hub.rss_mb()
    print("  measure F6: hub RSS %d MB after 40 MB of calls to a target that does not read" % rss)
    check("F6 calls to a target that does not read are refused once its input backs up",
          refused is not None and refused["error"]["code"] == -31001, refused)
    hub.close()


def f8_naming_once():
    entry, _ = target("files", "f8")
    hub = Hub("f8", {"hostile": entry})
    hub.request("server/discover", {"_meta": meta(name="claude-ai")})
    wait_ready(hub, "hostile.echo", modern=True)
    names = set()
    for client in ("claude-ai", "cursor", "other", "vim"):
        answer = hub.request("tools/list", {"_meta": meta(name=client)})
        names.add(tuple(sorted(t["name"] for t in answer["result"]["tools"])))
    check("F8 later client names do not change the naming", len(names) == 1, names)
    check("F8 the first client's naming holds", any("hostile__echo" in n for n in names.pop()))
    hub.close()


def f7_sampling_and_codes():
    entry, log = target("ask", "f7", policy={"allow": ["echo", "ask"], "approve": ["pay"]})
    hub = Hub("f7", {"hostile": entry}, extra={"approval": {"elicitation": False, "code_delivery": "agent"}})
    hub.initialize(caps={"elicitation": {}, "sampling": {}})
    wait_ready(hub)
    held = hub.request("tools/call", {"name": "hostile.pay", "arguments": {"to": "x"}})
    text = json.dumps(held)
    code = re.search(r"approval code: \*\*(\d{6})\*\*", text)
    check("F7 the held call shows its code to the agent", code is not None, text[:300])
    if code is None:
        hub.close()
        return
    call_id = re.search(r'call_id\\?": \\?"(h\d+)', text)
    hub.send({"jsonrpc": "2.0", "id": "ask", "method": "tools/call", "params": {"name": "hostile.ask", "arguments": {}}})
    sampling = hub.recv(lambda m: m.get("method") == "sampling/createMessage")
    check("F7 sampling includeContext allServers reaches the client as none",
          sampling is not None and sampling["params"].get("includeContext") == "none", sampling)
    hub.send({"jsonrpc": "2.0", "id": sampling["id"], "result": {"role": "assistant", "model": "m",
                                                                 "content": {"type": "text", "text": "hi"}}})
    form = hub.recv(lambda m: m.get("method") == "elicitation/create")
    hub.send({"jsonrpc": "2.0", "id": form["id"], "result": {"action": "accept",
                                                             "content": {"code": code.group(1)}}})
    answer = hub.recv(lambda m: m.get("id") == "ask")
    reached = [r["raw"] for r in seen(log) if code.group(1) in r["raw"]]
    check("F7 a live approval code in an answer to a target's form never reaches it", not reached, reached)
    confirm = hub.request("tools/call", {"name": "firewall_confirm", "arguments": {
        "otp": code.group(1), **({"call_id": call_id.group(1)} if call_id else {})}})
    ran = [r for r in seen(log) if (r.get("msg") or {}).get("params", {}).get("name") == "pay"]
    check("F7 that code is burned: confirming it runs nothing", not ran and "ran " not in json.dumps(confirm),
          json.dumps(confirm)[:300])
    del answer
    hub.close()


def f7_codes_modern():
    """A modern client's retry carrying a live code in inputResponses to a modern server's form."""
    entry, log = target("ask-modern", "f7m", protocol="modern", policy={"allow": ["ask"], "approve": ["pay"]})
    hub = Hub("f7m", {"hostile": entry}, extra={"approval": {"elicitation": False, "code_delivery": "agent"}})
    caps = {"elicitation": {"form": {}}}
    hub.request("server/discover", {"_meta": meta(caps=caps)})
    wait_ready(hub, modern=True)
    held = hub.request("tools/call", {"name": "hostile.pay", "arguments": {"to": "x"}, "_meta": meta(caps=caps)})
    code = re.search(r"approval code: \*\*(\d{6})\*\*", json.dumps(held))
    check("F7 (modern) the held call shows its code to the agent", code is not None, json.dumps(held)[:300])
    if code is None:
        hub.close()
        return
    first = hub.request("tools/call", {"name": "hostile.ask", "arguments": {}, "_meta": meta(caps=caps)})
    state = ((first or {}).get("result") or {}).get("requestState")
    retry = hub.request("tools/call", {"name": "hostile.ask", "arguments": {}, "_meta": meta(caps=caps),
                                       "requestState": state,
                                       "inputResponses": {"form": {"action": "accept",
                                                                   "content": {"code": code.group(1)}}}})
    reached = [r["raw"] for r in seen(log) if code.group(1) in r["raw"]]
    check("F7 (modern) a live code in inputResponses never reaches the server", not reached and "error" in retry,
          (reached, retry))
    confirm = hub.request("tools/call", {"name": "firewall_confirm", "arguments": {"otp": code.group(1)},
                                         "_meta": meta(caps=caps)})
    ran = [r for r in seen(log) if (r.get("msg") or {}).get("params", {}).get("name") == "pay"]
    check("F7 (modern) that code is burned", not ran, json.dumps(confirm)[:300])
    hub.close()


CHECKS = [f1_one_budget_per_message, f2_listen_bounds_and_coalescing, f4_control_characters,
          f3_legacy_input_required, f5_secrets_in_the_log, f6_flood, f6_deaf_target, f8_naming_once, f7_sampling_and_codes, f7_codes_modern]
for run in CHECKS:
    if ONLY and run.__name__.split("_")[0] not in ONLY:
        continue
    try:
        run()
    except Exception as error:  # a crash of the harness is a failure, never a pass
        check(run.__name__, False, repr(error))
print("review findings: %s" % ("all passed" if not FAILED else "FAILED: " + ", ".join(FAILED)))
sys.exit(1 if FAILED else 0)
