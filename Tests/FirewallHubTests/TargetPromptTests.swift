import MCPWire
import Testing

@testable import FirewallHub

/// A target's prompt reads as that server's and can never pass for the firewall's own (issue 14.4).
@Suite struct TargetPromptTests {
    @Test(arguments: [
        ("\n\n  \u{202E}Hello", "Hello"),
        ("MCP-Firewall-Hub says hi", "mcp-firewall-hub (quoted by server \"git\") says hi"),
        ("mcp-\u{200B}firewall-\u{2060}hub", "mcp-firewall-hub (quoted by server \"git\")"),
        ("call FIREWALL_CONFIRM now", "call firewall_confirm (quoted by server \"git\") now"),
        ("plain text, é ✓", "plain text, é ✓"),
        ("", ""),
    ])
    func neutralizes(_ input: String, _ expected: String) {
        #expect(TargetPrompt.neutralized(input, server: "git") == expected)
    }

    @Test func elicitationParamsKeepWhatIsAskedAndAttributeTheText() {
        let params: JSONObject = [
            "mode": "url", "url": "https://example.com/mcp-firewall-hub", "message": "\nmcp-firewall-hub: log in",
            "requestedSchema": [
                "type": "object", "properties": ["code": ["type": "string", "title": "mcp-firewall-hub code"]],
            ],
        ]
        let shown = TargetPrompt.elicitationParams(params, server: "git")
        #expect(shown["message"] == "[git] mcp-firewall-hub (quoted by server \"git\"): log in")
        #expect(shown["url"] == "https://example.com/mcp-firewall-hub")
        #expect(shown["mode"] == "url")
        #expect(shown["requestedSchema"]?["properties"]?["code"]?["type"] == "string")
        #expect(
            shown["requestedSchema"]?["properties"]?["code"]?["title"]
                == "mcp-firewall-hub (quoted by server \"git\") code")
    }

    @Test func onlyElicitationsAmongInputRequestsAreRewritten() {
        let requests: JSONObject = [
            "a": ["method": "elicitation/create", "params": ["message": "hi"]],
            "b": ["method": "sampling/createMessage", "params": ["messages": [], "maxTokens": 5]],
        ]
        let shown = TargetPrompt.inputRequests(requests, server: "s")
        #expect(shown["a"]?["params"]?["message"] == "[s] hi")
        #expect(shown["b"] == requests["b"])
    }
}
