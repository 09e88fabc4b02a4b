"""Drive mcp-firewall-hub with the official Python MCP SDK client, in each connect mode, in front of
the package's demo servers: listing, allowed, denied and held calls (approved through the client's
elicitation). The real third-party servers are in differential.py.

Usage: python_sdk_client.py HUB_BINARY DEMO_CONFIG
Prints one line per check and exits non-zero on the first failure.
"""
import asyncio
import sys

from mcp import Client, StdioServerParameters
from mcp import types


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        sys.exit(1)


def text_of(result):
    return "".join(getattr(block, "text", "") for block in result.content)


async def approve(context, params):
    # The human clicks "approve" in the client's form.
    return types.ElicitResult(action="accept", content={"approve": True, "remember": "once"})


async def run(mode, hub, config):
    server = StdioServerParameters(command=hub, args=["serve", "--config", config])
    async with Client(server, mode=mode, elicitation_callback=approve) as client:
        tools = await client.list_tools()
        names = [tool.name for tool in tools.tools]
        check("payments.get_balance" in names and "firewall_confirm" in names, f"{mode}: tools/list through the hub")
        balance = await client.call_tool("payments.get_balance", {})
        check(not balance.is_error and balance.structured_content["currency"], f"{mode}: allowed call, outputSchema")
        denied = await client.call_tool("payments.delete_customer", {"customer_id": "cus_001"})
        check(denied.is_error and "Denied" in text_of(denied), f"{mode}: denied call is an error result")
        refund = await client.call_tool("payments.refund", {"charge_id": "ch_1", "amount": 1})
        check(not refund.is_error, f"{mode}: held call approved through the client's elicitation")


async def main():
    hub, config = sys.argv[1], sys.argv[2]
    await asyncio.gather(*(run(mode, hub, config) for mode in ["legacy", "auto", "2026-07-28"]))


asyncio.run(main())
