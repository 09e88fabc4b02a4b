"""Differential interop: each real MCP server is driven by the official Python SDK client through the
same scripted session twice, directly and through mcp-firewall-hub, and everything the client
observes is compared: the tool list (names modulo the hub's namespacing; schemas, annotations and
output schemas identical), call results and errors, structured content, progress, log messages, an
elicitation and a sampling round trip, list_changed, prompts, resources and templates, resource
updates, completion. Through the hub each server also runs started slowly (a wrapper sleeps 5 s
before exec) and with `protocol: modern` (the hub speaks 2026-07-28 to it), and is restarted after a
crash. Clients: the SDK client in `legacy`, `auto` and `2026-07-28` modes.

Usage: differential.py HUB_BINARY WORK_DIR VENV_BIN [SERVER ...]
Prints one line per session and per difference; exits non-zero if any session differs or fails.
"""

import asyncio
import json
import os
import re
import resource
import signal
import sys
import time
import traceback

from mcp import Client, StdioServerParameters, types
from mcp.client.subscriptions import ListenNotSupportedError
from mcp.shared.exceptions import MCPError

try:
    BaseExceptionGroup
except NameError:  # Python 3.10: anyio's backport
    from exceptiongroup import BaseExceptionGroup

HERE = os.path.dirname(os.path.abspath(__file__))
MODES = ["legacy", "auto", "2026-07-28"]
WAIT = 60.0  # generous: a condition wait, never a timing assumption
PREFIX = "srv"  # the name of the server in every hub config


class Server:
    """A real server: how to start it, and which parts of the script it has."""

    def __init__(self, name, argv, features, calls):
        self.name = name
        self.argv = argv
        self.features = features  # subset of FEATURES
        self.calls = calls  # [(tool, arguments, normalizer or None)]


FEATURES = {"prompts", "resources", "completion", "progress", "elicitation", "sampling", "list_changed", "updates"}


def servers(venv_bin, repo):
    python = os.path.join(venv_bin, "python")

    def current_time(result):
        # The time itself moves on; its shape and time zone do not.
        data = result.get("structured") or {}
        return {"keys": sorted(data), "timezone": data.get("timezone"), "error": result.get("isError")}

    def undated(result):
        # Today's date is in the answer: a session on each side of midnight must not differ.
        text = re.sub(r"\d{4}-\d{2}-\d{2}", "DATE", json.dumps(result))
        return json.loads(re.sub(r"(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day", "DAY", text))

    return {
        "time": Server(
            "time", [os.path.join(venv_bin, "mcp-server-time"), "--local-timezone", "UTC"], set(),
            [("get_current_time", {"timezone": "UTC"}, current_time),
             ("convert_time", {"source_timezone": "UTC", "time": "12:00", "target_timezone": "Asia/Tokyo"}, undated),
             ("get_current_time", {"timezone": "Not/AZone"}, None)]),
        "git": Server(
            "git", [os.path.join(venv_bin, "mcp-server-git"), "--repository", repo], set(),
            [("git_status", {"repo_path": repo}, None),
             ("git_log", {"repo_path": repo, "max_count": 1}, None),
             ("git_branch", {"repo_path": repo, "branch_type": "local"}, None),
             ("git_status", {"repo_path": "/nonexistent/repo"}, None)]),
        "sdk": Server(
            "sdk", [python, os.path.join(HERE, "sdk_server.py")], FEATURES,
            [("add", {"a": 2, "b": 3}, None), ("add", {"a": "x"}, None), ("fail", {"reason": "r1"}, None)]),
        "fastmcp": Server(
            "fastmcp", [python, os.path.join(HERE, "fastmcp_server.py")],
            {"prompts", "resources", "progress", "elicitation", "list_changed"},
            [("multiply", {"a": 4, "b": 5}, None), ("multiply", {"a": "x"}, None), ("fail", {"reason": "r2"}, None)]),
    }


# ---------------------------------------------------------------------------------------------------
# What the client observes, normalized so that only the hub's documented renaming is undone.


class View:
    """Undoes the hub's namespacing of names, logger names and elicitation messages."""

    def __init__(self, through_hub):
        self.hub = through_hub

    def name(self, exposed):
        if not self.hub:
            return exposed
        assert exposed.startswith(PREFIX + "."), f"the hub listed {exposed!r} without the server prefix"
        return exposed[len(PREFIX) + 1:]

    def exposed(self, name):
        return f"{PREFIX}.{name}" if self.hub else name

    def logger(self, logger):
        if not self.hub:
            return logger
        if logger == PREFIX:
            return None
        assert logger and logger.startswith(PREFIX + "/"), f"log message with logger {logger!r}"
        return logger[len(PREFIX) + 1:]

    def message(self, text):
        # The hub prefixes "[server] " to the messages of the input requests it bridges, so the human
        # sees who asks.
        prefix = f"[{PREFIX}] "
        return text[len(prefix):] if self.hub and text.startswith(prefix) else text


def dump(model):
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def tool_result(result):
    data = dump(result)
    data.pop("_meta", None)
    data.pop("resultType", None)
    return {"content": data.get("content"), "structured": data.get("structuredContent"),
            "isError": data.get("isError", False)}


def error(e):
    if isinstance(e, MCPError):
        return {"error": e.error.code}
    return {"exception": type(e).__name__}


class Recorder:
    """Collects notifications from the client's callbacks."""

    def __init__(self, view):
        self.view = view
        self.logs = []
        self.progress = []
        self.changed = asyncio.Event()
        self.updated = []
        self.update_seen = asyncio.Event()
        self.elicitations = []
        self.samplings = []

    async def on_log(self, params):
        self.logs.append([params.level, self.view.logger(params.logger), params.data])

    async def on_progress(self, progress, total, message):
        self.progress.append([progress, total, message])

    async def on_message(self, message):
        if isinstance(message, types.ToolListChangedNotification):
            self.changed.set()
        elif isinstance(message, types.ResourceUpdatedNotification):
            self.updated.append(str(message.params.uri))
            self.update_seen.set()

    async def on_elicit(self, context, params):
        data = dump(params)
        data["message"] = self.view.message(data["message"])
        data.pop("_meta", None)
        # The official SDK renders a Resolve(Elicit) schema with its model's title in the legacy era
        # and without it in 2026-07-28: the era the hub opens toward a server may differ from the one
        # the client would open directly, and that alone shows here.
        data.get("requestedSchema", {}).pop("title", None)
        self.elicitations.append(data)
        return types.ElicitResult(action="accept", content={"ok": True, "note": "", "name": "Ada"})

    async def on_sample(self, context, params):
        data = dump(params)
        data.pop("_meta", None)
        self.samplings.append(data)
        return types.CreateMessageResult(
            role="assistant", content=types.TextContent(type="text", text="leaves fall"), model="test-model")

    async def on_roots(self, context):
        return types.ListRootsResult(roots=[])


async def wait_for(event):
    await asyncio.wait_for(event.wait(), WAIT)
    event.clear()


async def script(client, server, view, rec):
    """The scripted session; returns the observations."""
    obs = {}
    tools = await first_tools(client, view, rec)
    listed = {}
    for tool in tools.tools:
        if view.hub and tool.name == "firewall_confirm":
            continue
        data = dump(tool)
        data["name"] = view.name(data["name"])
        listed[data["name"]] = data
    obs["tools"] = listed
    for i, (tool, arguments, normalize) in enumerate(server.calls):
        try:
            result = tool_result(await client.call_tool(view.exposed(tool), arguments))
            obs[f"call {i} {tool}"] = normalize(result) if normalize else result
        except Exception as e:  # a protocol error is an observation too
            obs[f"call {i} {tool}"] = error(e)
    f = server.features
    if "progress" in f:
        rec.logs.clear()
        result = await client.call_tool(view.exposed("work"), {"steps": 3}, progress_callback=rec.on_progress)
        obs["work"] = tool_result(result)
        obs["progress"] = rec.progress
        obs["logs"] = list(rec.logs)
    if "elicitation" in f:
        obs["confirm_delete"] = tool_result(await client.call_tool(view.exposed("confirm_delete"), {"item": "x.txt"}))
        obs["elicitations"] = list(rec.elicitations)
    if "sampling" in f:
        obs["haiku"] = tool_result(await client.call_tool(view.exposed("haiku"), {"topic": "autumn"}))
        obs["samplings"] = list(rec.samplings)
    if "prompts" in f:
        prompts = await client.list_prompts()
        obs["prompts"] = {view.name(p.name): {**dump(p), "name": view.name(p.name)} for p in prompts.prompts}
        got = await client.get_prompt(view.exposed("summarize"), {"title": "alpha", "style": "long"})
        obs["prompt"] = [dump(m) for m in got.messages]
    if "resources" in f:
        obs["resources"] = sorted((dump(r) for r in (await client.list_resources()).resources), key=str)
        obs["templates"] = sorted(
            (dump(t) for t in (await client.list_resource_templates()).resource_templates), key=str)
        for uri in ["note://alpha", "note://beta"]:
            read = await client.read_resource(uri)
            obs[f"read {uri}"] = [dump(c) for c in read.contents]
    if "completion" in f:
        prompt = await client.complete(
            types.PromptReference(type="ref/prompt", name=view.exposed("summarize")), {"name": "style", "value": "s"})
        template = await client.complete(
            types.ResourceTemplateReference(type="ref/resource", uri="note://{title}"), {"name": "title", "value": "a"})
        obs["complete prompt"] = dump(prompt.completion)
        obs["complete template"] = dump(template.completion)
    if "list_changed" in f:
        obs["list_changed"] = await list_changed(client, view, rec)
    if "updates" in f:
        obs["resource updated"] = await resource_updated(client, view, rec)
    return obs


async def first_tools(client, view, rec):
    """The first tool list. Through the hub, a server still starting after the hub's start-up grace
    (a slow start on a busy machine) is not in it yet: as a real client does, wait for list_changed
    (a notification, or on a listen stream) and list again."""
    stream = None
    if view.hub and client.protocol_version != "2025-11-25":
        stream = client.listen(tools_list_changed=True)
        sub = await stream.__aenter__()

        async def pump():
            async for event in sub:
                rec.changed.set()

        pumping = asyncio.create_task(pump())
    try:
        deadline = time.monotonic() + WAIT
        while True:
            tools = await client.list_tools()
            if not view.hub or any(t.name.startswith(PREFIX + ".") for t in tools.tools):
                return tools
            await asyncio.wait_for(rec.changed.wait(), max(0.1, deadline - time.monotonic()))
            rec.changed.clear()
    finally:
        if stream:
            pumping.cancel()
            await stream.__aexit__(None, None, None)
        rec.changed.clear()


async def list_changed(client, view, rec):
    """A tool adds a tool: the client hears of it (as a notification, or on a listen stream) and the
    new tool is listed."""
    name = "extra_tool"
    modern = client.protocol_version != "2025-11-25"
    stream = None
    if modern:
        try:
            stream = client.listen(tools_list_changed=True)
            sub = await stream.__aenter__()
        except (ListenNotSupportedError, MCPError):
            stream = None  # fastmcp serves no listen stream; its notification comes unsolicited

        async def pump():
            async for event in sub:
                rec.changed.set()

        pumping = asyncio.create_task(pump()) if stream else None
    try:
        await client.call_tool(view.exposed("add_tool"), {"name": name})
        deadline = time.monotonic() + WAIT
        while True:
            await asyncio.wait_for(rec.changed.wait(), max(0.1, deadline - time.monotonic()))
            rec.changed.clear()
            names = [view.name(t.name) for t in (await client.list_tools()).tools if t.name != "firewall_confirm"]
            if name in names:
                return {"heard": True, "listed": name in names}
    finally:
        if stream:
            pumping.cancel()
            await stream.__aexit__(None, None, None)


async def resource_updated(client, view, rec):
    uri = "note://beta"
    modern = client.protocol_version != "2025-11-25"
    if modern:
        async with client.listen(resource_subscriptions=[uri]) as sub:
            await client.call_tool(view.exposed("touch_note"), {"title": "beta", "text": "changed"})
            event = await asyncio.wait_for(sub.__anext__(), WAIT)
            return {"updated": getattr(event, "uri", None)}
    await client.subscribe_resource(uri)
    await client.call_tool(view.exposed("touch_note"), {"title": "beta", "text": "changed"})
    await wait_for(rec.update_seen)
    return {"updated": rec.updated[-1]}


async def session(command, args, mode, server, variant, extras, pidfile=None):
    through_hub = variant != "direct"
    view = View(through_hub)
    rec = Recorder(view)
    params = StdioServerParameters(command=command, args=args, env=dict(os.environ))
    async with Client(
        params, mode=mode, logging_callback=rec.on_log, message_handler=rec.on_message,
        elicitation_callback=rec.on_elicit, sampling_callback=rec.on_sample, list_roots_callback=rec.on_roots,
        log_level="debug", read_timeout_seconds=WAIT,
    ) as client:
        obs = await script(client, server, view, rec)
        if through_hub:
            extras.update(await hub_only(client, server, view, variant, pidfile))
        return obs


async def hub_only(client, server, view, variant, pidfile):
    """Through the hub only: `ctx.elicit` (the SDK can only send it in the legacy era, which the hub
    opens toward a dual-era server whatever the client's era: a 2026-07-28 client cannot have it
    directly); the policy's denial of git_reset; and for the slowly started servers a crash (a tool
    that exits, or SIGKILL to the server's pid) and the slow restart on the next call."""
    out = {}
    if server.name == "sdk" and variant != "modern":
        out["ask_name"] = tool_result(await client.call_tool(view.exposed("ask_name"), {}))
    if server.name == "git":
        denied = tool_result(await client.call_tool(view.exposed("git_reset"), {"repo_path": "."}))
        out["git_reset denied"] = denied["isError"] and "Denied" in json.dumps(denied["content"])
    if variant != "slow":
        return out
    tool, arguments = server.calls[0][:2]
    if server.name in ("sdk", "fastmcp"):
        try:
            out["crash"] = tool_result(await client.call_tool(view.exposed("crash"), {}))["isError"]
        except MCPError as e:
            out["crash"] = e.error.code  # the pending call is answered with the exit
        out["after restart"] = tool_result(await client.call_tool(view.exposed(tool), arguments))
        return out
    with open(pidfile) as f:
        pid = int(f.read())
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + WAIT
    while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    out["crash"] = True
    # A call may still race the hub's noticing the exit (it is then answered with the exit); the next
    # one restarts the server.
    for attempt in range(3):
        try:
            result = tool_result(await client.call_tool(view.exposed(tool), arguments))
        except MCPError as e:
            result = error(e)
        if result.get("isError") is False:
            break
    out["after restart"] = result
    return out


# ---------------------------------------------------------------------------------------------------


def diff(a, b, path=""):
    """The paths where two observations differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b), key=str):
            if key not in a or key not in b:
                out.append(f"{path}/{key}: only {'through the hub' if key in b else 'direct'}")
            else:
                out += diff(a[key], b[key], f"{path}/{key}")
        return out
    if a != b:
        return [f"{path}: direct {json.dumps(a)[:300]} vs hub {json.dumps(b)[:300]}"]
    return []


def hub_config(work, hub_bin, server, variant, pidfile):
    entry = {"command": server.argv[0], "args": server.argv[1:], "policy": {"default": "allow", "deny": ["git_reset"]},
             "timeouts": {"startup_seconds": 60, "call_seconds": 60}}
    if variant == "slow":
        # A uvx-like start: nothing is read for 5 s. The wrapper's pid is the server's (exec).
        entry["command"] = "/bin/sh"
        entry["args"] = ["-c", 'echo $$ >"$0"; sleep 5; exec "$@"', pidfile] + server.argv
    if variant == "modern":
        entry["protocol"] = "modern"
    path = os.path.join(work, f"hub-{server.name}-{variant}.json")
    with open(path, "w") as f:
        json.dump({"servers": {PREFIX: entry}}, f)
    return path


async def main():
    hub_bin, work, venv_bin = sys.argv[1], sys.argv[2], sys.argv[3]
    wanted = sys.argv[4:]
    repo = os.path.join(work, "repo")
    all_servers = servers(venv_bin, repo)
    chosen = [all_servers[n] for n in (wanted or all_servers)]
    limit = asyncio.Semaphore(int(os.environ.get("INTEROP_PARALLEL", "6")))
    failures = []
    started = time.monotonic()

    async def run(label, command, args, mode, server, variant, pidfile=None):
        async with limit:
            t0 = time.monotonic()
            extras = {}
            try:
                obs = await asyncio.wait_for(session(command, args, mode, server, variant, extras, pidfile), 240)
            except Exception as e:
                failures.append(label)
                while isinstance(e, BaseExceptionGroup) and e.exceptions:
                    e = e.exceptions[0]  # the client's task groups wrap the failure
                detail = "".join(traceback.format_exception(e)[-4:])
                print(f"FAIL {label}: {type(e).__name__}: {e}\n{detail}", flush=True)
                return None, extras
            print(f"ran  {label} ({time.monotonic() - t0:.1f} s)", flush=True)
            return obs, extras

    # Every server meets every client mode directly and through the hub. The slow start (with the
    # crash and slow restart) rotates through the client modes: the era toward the server does not
    # depend on the client's. `protocol: modern` runs for the dual-era servers with a legacy and a
    # 2026-07-28 client (an auto client speaks 2026-07-28 to the hub, as the pinned one does).
    jobs = []
    for i, s in enumerate(chosen):
        for mode in MODES:
            jobs.append((s, mode, "direct"))
            jobs.append((s, mode, "auto"))
        jobs.append((s, MODES[i % 3], "slow"))
        if s.name in ("sdk", "fastmcp"):
            for mode in ["legacy", "2026-07-28"]:
                jobs.append((s, mode, "modern"))

    async def job(s, mode, variant):
        label = f"{s.name:8} {variant:6} {mode}"
        if variant == "direct":
            return (s, mode, variant) + await run(label, s.argv[0], s.argv[1:], mode, s, variant)
        pidfile = os.path.join(work, f"{s.name}-{variant}-{mode}.pid")
        config = hub_config(work, hub_bin, s, variant, pidfile)
        return (s, mode, variant) + await run(
            label, hub_bin, ["serve", "--config", config], mode, s, variant, pidfile)

    results = await asyncio.gather(*(job(*j) for j in jobs))
    direct = {(s.name, mode): obs for s, mode, variant, obs, _ in results if variant == "direct"}
    for s, mode, variant, obs, extras in results:
        if variant == "direct" or obs is None:
            continue
        label = f"{s.name} {variant} {mode}"
        baseline = direct.get((s.name, mode))
        if baseline is None:
            continue
        differences = diff(baseline, obs)
        for d in differences:
            print(f"DIFF {label}: {d}", flush=True)
        if differences:
            failures.append(label)
        for key, value in extras.items():
            ok = {"crash": value is not None, "after restart": isinstance(value, dict) and not value.get("isError"),
                  "git_reset denied": value is True,
                  "ask_name": isinstance(value, dict) and value.get("content") == [{"type": "text", "text": "hello Ada"}]
                  }[key]
            print(f"{'ok  ' if ok else 'FAIL'} {label}: {key}", flush=True)
            if not ok:
                failures.append(f"{label} {key}")
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"differential: {len(results)} sessions in {time.monotonic() - started:.1f} s "
          f"(CPU: clients {own.ru_utime + own.ru_stime:.0f} s, servers and hubs "
          f"{children.ru_utime + children.ru_stime:.0f} s); "
          f"{'all the same' if not failures else str(len(failures)) + ' failed'}", flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    asyncio.run(main())
