"""Drive mcp-firewall-hub with the official Python MCP SDK client, in each connect mode, in front of
the package's demo servers: listing, allowed, denied and held calls (approved through the client's
elicitation). With DISCOVER_CONFIG (the same server in `discover` mode, a hidden tool and a limit), the
same through search_tools and call_tool. The real third-party servers are in differential.py.

Usage: python_sdk_client.py HUB_BINARY DEMO_CONFIG [DISCOVER_CONFIG]
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


async def run_discover(mode, hub, config):
    server = StdioServerParameters(command=hub, args=["serve", "--config", config])
    async with Client(server, mode=mode, elicitation_callback=approve) as client:
        names = sorted(tool.name for tool in (await client.list_tools()).tools)
        check(names == ["call_tool", "describe_tool", "firewall_confirm", "search_tools"],
              f"{mode} discover: tools/list is the discovery tools and firewall_confirm")
        found = await client.call_tool("search_tools", {"query": "refund a charge"})
        first = found.structured_content["matches"][0]
        check(first["name"] == "payments.refund" and first["firewall"] == "needs approval",
              f"{mode} discover: search_tools finds the refund and says it needs approval")
        balance = await client.call_tool("call_tool", {"name": "payments.get_balance"})
        check(not balance.is_error and balance.structured_content["currency"], f"{mode} discover: allowed call_tool")
        denied = await client.call_tool("call_tool", {"name": "payments.delete_customer",
                                                      "arguments": {"customer_id": "cus_001"}})
        check(denied.is_error and "Denied" in text_of(denied), f"{mode} discover: denied call_tool")
        refund = await client.call_tool("call_tool", {"name": "payments.refund",
                                                      "arguments": {"charge_id": "ch_1", "amount": 1}})
        check(not refund.is_error and "Refunded" in text_of(refund),
              f"{mode} discover: held call_tool approved through the client's elicitation")
        hidden = await client.call_tool("call_tool", {"name": "payments.execute_sql", "arguments": {"sql": "x"}})
        check(hidden.is_error and text_of(hidden).startswith("Unknown tool: payments.execute_sql."),
              f"{mode} discover: a hidden tool is unknown")
        for n in range(2):
            echoed = await client.call_tool("call_tool", {"name": "payments.echo", "arguments": {"n": n}})
            check(not echoed.is_error, f"{mode} discover: call {n + 1} under the limit runs")
        stopped = await client.call_tool("call_tool", {"name": "payments.echo", "arguments": {"n": 2}})
        check(stopped.is_error and 'limits[0] "echoes"' in text_of(stopped), f"{mode} discover: the limit stops call 3")


async def main():
    hub, config = sys.argv[1], sys.argv[2]
    modes = ["legacy", "auto", "2026-07-28"]
    runs = [run(mode, hub, config) for mode in modes]
    if len(sys.argv) > 3:
        runs += [run_discover(mode, hub, sys.argv[3]) for mode in modes]
    await asyncio.gather(*runs)


asyncio.run(main())
