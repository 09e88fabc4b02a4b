"""A stdio MCP server written on the official Python SDK (`mcp`, MCPServer), for the differential
interop suite. It is dual-era, as every SDK server on stdio is (the first request decides the era of
the process), and exercises what a client can observe: structured output, errors, progress, log
messages, elicitation and sampling (through `Resolve`, which works in both eras: server->client
requests in the legacy era, InputRequiredResult in 2026-07-28), `ctx.elicit` (legacy era only),
list changes, prompts, resources and templates, resource updates, completion, and a crash.

Usage: python sdk_server.py [NAME]
"""

import os
import sys
from typing import Annotated

from mcp.server.mcpserver import Context, Elicit, MCPServer, Resolve, Sample
from mcp.types import (
    Completion,
    CreateMessageResult,
    PromptReference,
    ResourceTemplateReference,
    SamplingMessage,
    TextContent,
    ToolAnnotations,
)
from mcp_types.version import MODERN_PROTOCOL_VERSIONS
from pydantic import BaseModel, Field

mcp = MCPServer(
    sys.argv[1] if len(sys.argv) > 1 else "sdk-server",
    instructions="A test server on the official SDK.",
    log_level="CRITICAL",  # its own stderr only (rich tracebacks of the failing tool cost a second)
)
subscribed: set[str] = set()  # legacy-era resources/subscribe
notes = {"alpha": "first note", "beta": "second note"}


def modern(ctx: Context) -> bool:
    return ctx.protocol_version in MODERN_PROTOCOL_VERSIONS


class Sum(BaseModel):
    total: int = Field(description="a + b")
    parts: list[int]


@mcp.tool(
    title="Add two numbers",
    annotations=ToolAnnotations(readOnlyHint=True, idempotentHint=True, openWorldHint=False),
)
def add(a: int, b: int) -> Sum:
    """Adds a and b; structured output."""
    return Sum(total=a + b, parts=[a, b])


@mcp.tool(annotations=ToolAnnotations(destructiveHint=False))
def fail(reason: str) -> str:
    """Always fails with the given reason (a tool execution error)."""
    raise ValueError(f"failed on purpose: {reason}")


@mcp.tool()
async def work(steps: int, ctx: Context) -> str:
    """Reports progress and logs at several levels."""
    for step in range(1, steps + 1):
        await ctx.report_progress(step, steps, f"step {step}")
    await ctx.debug("debug detail", logger_name="work")
    await ctx.info({"steps": steps})
    await ctx.warning("almost done", logger_name="work")
    return f"worked {steps} steps"


class Confirm(BaseModel):
    ok: bool
    note: str = ""


async def ask_confirm(item: str):
    return Elicit(f"Really delete {item}?", Confirm)


@mcp.tool()
async def confirm_delete(item: str, answer: Annotated[Confirm, Resolve(ask_confirm)]) -> str:
    """Asks the user (elicitation, in either era) before 'deleting'."""
    return f"deleted {item}" if answer.ok else f"kept {item} ({answer.note})"


async def ask_model(topic: str):
    return Sample(
        [SamplingMessage(role="user", content=TextContent(type="text", text=f"Write a haiku about {topic}"))],
        max_tokens=50,
    )


@mcp.tool()
async def haiku(topic: str, reply: Annotated[CreateMessageResult, Resolve(ask_model)]) -> str:
    """Asks the client's model for a haiku (sampling, in either era)."""
    return f"model {reply.model} said: {reply.content.text}"


@mcp.tool()
async def ask_name(ctx: Context) -> str:
    """Asks with ctx.elicit, which needs the legacy era's server->client requests."""

    class Name(BaseModel):
        name: str

    result = await ctx.elicit("What is your name?", Name)
    return f"hello {result.data.name}" if result.action == "accept" else f"no name ({result.action})"


@mcp.tool()
async def add_tool(name: str, ctx: Context) -> str:
    """Adds a tool called NAME and announces the change."""

    def extra() -> str:
        return f"I am {name}"

    mcp.add_tool(extra, name=name, description=f"Added at run time: {name}")
    if modern(ctx):
        await ctx.notify_tools_changed()
    else:
        await ctx.session.send_tool_list_changed()
    return f"added {name}"


@mcp.tool()
async def touch_note(title: str, text: str, ctx: Context) -> str:
    """Changes a note and announces the resource update."""
    notes[title] = text
    uri = f"note://{title}"
    if modern(ctx):
        await ctx.notify_resource_updated(uri)
    elif uri in subscribed:
        await ctx.session.send_resource_updated(uri)
    return f"touched {uri}"


@mcp.tool()
def crash() -> str:
    """Exits the process without answering."""
    os._exit(3)


@mcp.resource("note://alpha", name="alpha", title="The alpha note", mime_type="text/plain")
def alpha() -> str:
    return notes["alpha"]


@mcp.resource("note://{title}", name="note", description="A note by title", mime_type="text/plain")
def note(title: str) -> str:
    return notes.get(title, "")


@mcp.prompt(title="Summarize a note")
def summarize(title: str, style: str = "short") -> str:
    """Asks for a summary of a note."""
    return f"Summarize the note {title} in a {style} style: {notes.get(title, '')}"


@mcp.completion()
async def complete(ref, argument, context):
    if isinstance(ref, PromptReference) and argument.name == "style":
        return Completion(values=[s for s in ["short", "long", "shouty"] if s.startswith(argument.value)])
    if isinstance(ref, ResourceTemplateReference) and argument.name == "title":
        return Completion(values=sorted(t for t in notes if t.startswith(argument.value)))
    return None


# Legacy-era resources/subscribe: MCPServer has no handler of its own.
from mcp_types import SubscribeRequestParams, UnsubscribeRequestParams  # noqa: E402
from mcp.types import EmptyResult  # noqa: E402


async def on_subscribe(ctx, params: SubscribeRequestParams):
    subscribed.add(str(params.uri))
    return EmptyResult()


async def on_unsubscribe(ctx, params: UnsubscribeRequestParams):
    subscribed.discard(str(params.uri))
    return EmptyResult()


mcp._lowlevel_server.add_request_handler("resources/subscribe", SubscribeRequestParams, on_subscribe)
mcp._lowlevel_server.add_request_handler("resources/unsubscribe", UnsubscribeRequestParams, on_unsubscribe)

if __name__ == "__main__":
    mcp.run()
