"""A stdio MCP server written on fastmcp, for the differential interop suite: structured output,
errors, progress, log messages, elicitation (ctx.elicit in the legacy era; an InputRequiredResult,
fastmcp's guard pattern, in 2026-07-28), list changes, prompts, resources and templates,
completion, and a crash.

Usage: python fastmcp_server.py [NAME]
"""

import os
import sys

os.environ.setdefault("FASTMCP_LOG_LEVEL", "CRITICAL")  # its own stderr only: no banner, no rich tracebacks

import mcp_types  # noqa: E402
from fastmcp import Context, FastMCP  # noqa: E402
from fastmcp.server.elicitation import parse_elicit_response_type  # noqa: E402
from mcp_types.version import MODERN_PROTOCOL_VERSIONS  # noqa: E402
from pydantic import BaseModel  # noqa: E402

mcp = FastMCP(sys.argv[1] if len(sys.argv) > 1 else "fastmcp-server", instructions="A test server on fastmcp.")
notes = {"alpha": "first note", "beta": "second note"}


def modern(ctx: Context) -> bool:
    return ctx.request_context.protocol_version in MODERN_PROTOCOL_VERSIONS


class Product(BaseModel):
    product: int
    factors: list[int]


@mcp.tool(title="Multiply", annotations={"readOnlyHint": True, "openWorldHint": False})
def multiply(a: int, b: int) -> Product:
    """Multiplies a and b; structured output."""
    return Product(product=a * b, factors=[a, b])


@mcp.tool
def fail(reason: str) -> str:
    """Always fails with the given reason."""
    raise ValueError(f"failed on purpose: {reason}")


@mcp.tool
async def work(steps: int, ctx: Context) -> str:
    """Reports progress and logs at several levels."""
    for step in range(1, steps + 1):
        await ctx.report_progress(step, steps, f"step {step}")
    await ctx.debug("debug detail", logger_name="work")
    await ctx.info("steps done")
    await ctx.warning("almost done", logger_name="work")
    return f"worked {steps} steps"


class Confirm(BaseModel):
    ok: bool


@mcp.tool
async def confirm_delete(item: str, ctx: Context):
    """Asks the user before 'deleting' (ctx.elicit, or an InputRequiredResult in 2026-07-28)."""
    message = f"Really delete {item}?"
    if modern(ctx):
        answers = ctx.input_responses
        if not answers or "confirm" not in answers:
            schema = parse_elicit_response_type(Confirm).schema  # what ctx.elicit would send
            return mcp_types.InputRequiredResult(
                input_requests={
                    "confirm": mcp_types.ElicitRequest(
                        params=mcp_types.ElicitRequestFormParams(message=message, requested_schema=schema)
                    )
                }
            )
        answer = answers["confirm"]
        ok = answer.action == "accept" and bool((answer.content or {}).get("ok"))
    else:
        result = await ctx.elicit(message, Confirm)
        ok = result.action == "accept" and result.data.ok
    return f"deleted {item}" if ok else f"kept {item}"


@mcp.tool
async def add_tool(name: str, ctx: Context) -> str:
    """Adds a tool called NAME and announces the change."""

    def extra() -> str:
        return f"I am {name}"

    mcp.tool(extra, name=name, description=f"Added at run time: {name}")
    await ctx.send_notification(mcp_types.ToolListChangedNotification())
    return f"added {name}"


@mcp.tool
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


if __name__ == "__main__":
    mcp.run(show_banner=False)
