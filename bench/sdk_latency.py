"""Sequential tools/call latency with the official MCP Python SDK client (`mcp` on PyPI).

usage: python sdk_latency.py --tool NAME [--calls N] [--warmup N] [--payload BYTES] -- COMMAND [ARGS...]

Prints one JSON object like bench-client's latency mode. The server's stderr goes to /dev/null.
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from importlib.metadata import version

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


def percentile(sorted_values, p):
    rank = max(0, min(len(sorted_values) - 1, -(-len(sorted_values) * p // 100) - 1))
    return sorted_values[int(rank)]


async def measure(args, command):
    pattern = "abcdefghijklmnopqrstuvwxyz0123456789 "
    text = (pattern * (args.payload // len(pattern) + 1))[: args.payload]
    params = StdioServerParameters(command=command[0], args=command[1:], env=dict(os.environ))
    with open(os.devnull, "w") as devnull:
        async with stdio_client(params, errlog=devnull) as streams:
            read, write = streams[0], streams[1]
            async with ClientSession(read, write) as session:
                await session.initialize()
                for _ in range(args.warmup):
                    result = await session.call_tool(args.tool, {"text": text})
                    if getattr(result, "is_error", None) or getattr(result, "isError", None):
                        raise SystemExit(f"the tool answered isError: {result.content!r}"[:300])
                samples = []
                for _ in range(args.calls):
                    start = time.perf_counter_ns()
                    await session.call_tool(args.tool, {"text": text})
                    samples.append((time.perf_counter_ns() - start) / 1000)
    samples.sort()
    return {
        "mode": "latency",
        "client": "python-sdk " + version("mcp"),
        "calls": args.calls,
        "payload": args.payload,
        "median_us": round(percentile(samples, 50), 1),
        "p99_us": round(percentile(samples, 99), 1),
        "mean_us": round(statistics.fmean(samples), 1),
    }


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        raise SystemExit(__doc__)
    split = argv.index("--")
    parser = argparse.ArgumentParser()
    parser.add_argument("--tool", required=True)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--payload", type=int, default=64)
    args = parser.parse_args(argv[:split])
    print(json.dumps(asyncio.run(measure(args, argv[split + 1 :]))))


if __name__ == "__main__":
    main()
