// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "mcp-firewall-hub",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mcp-firewall-hub", targets: ["mcp-firewall-hub"]),
        .executable(name: "demo-payments", targets: ["demo-payments"]),
        .executable(name: "demo-notes", targets: ["demo-notes"]),
        .library(name: "FirewallHub", targets: ["FirewallHub"]),
    ],
    targets: [
        // Lossless JSON, JSON-RPC 2.0 framing and MCP wire types. No process or policy logic.
        .target(name: "MCPWire"),
        // The few libc calls Glibc does not import (pipe2, prctl, getrandom, closefrom, mallopt).
        .target(name: "CShim"),
        // Everything the hub does: config, policy, approval, transport, routing, CLI.
        .target(name: "FirewallHub", dependencies: ["MCPWire", "CShim"]),
        // A tiny stdio MCP server framework the demo and fixture servers are written on.
        .target(name: "DemoServerKit", dependencies: ["MCPWire", "CShim"]),
        .executableTarget(name: "mcp-firewall-hub", dependencies: ["FirewallHub"]),
        .executableTarget(name: "demo-payments", dependencies: ["DemoServerKit"]),
        .executableTarget(name: "demo-notes", dependencies: ["DemoServerKit"]),
        .executableTarget(name: "fixture-server", dependencies: ["DemoServerKit", "MCPWire"]),
        .executableTarget(name: "modern-server", dependencies: ["DemoServerKit"]),
        // A target that attacks the hub and the human (phishing prompts, forged requestStates).
        .executableTarget(name: "hostile-server", dependencies: ["MCPWire"]),
        .executableTarget(name: "bench-client", dependencies: ["MCPWire", "CShim"]),
        // Discovery's figures (bench/discovery): tools/list sizes in all vs discover mode, search latency.
        .executableTarget(name: "bench-discovery", dependencies: ["FirewallHub"]),
        .target(name: "HubTestSupport", dependencies: ["MCPWire"], path: "Tests/HubTestSupport"),
        .testTarget(name: "MCPWireTests", dependencies: ["MCPWire"]),
        .testTarget(name: "FirewallHubTests", dependencies: ["FirewallHub", "MCPWire", "HubTestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["HubTestSupport", "MCPWire"]),
    ],
    swiftLanguageModes: [.v6]
)
