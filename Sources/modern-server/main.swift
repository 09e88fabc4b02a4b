// modern-server: a stdio MCP server that speaks ONLY protocol 2026-07-28 (no initialize handshake),
// for testing the hub's modern-era client side. Its confirm_delete tool asks for confirmation the
// 2026 way: an InputRequiredResult with an elicitation/create input request, resolved when the
// client retries with inputResponses and the requestState echoed back. Nothing is really deleted.
import DemoServerKit
import Foundation
import MCPWire

private enum ModernTools {
    static func all() -> [DemoTool] {
        [DemoTool.echo(), confirmDelete()]
    }

    /// First call: input_required (a yes/no form) if the client declared elicitation in this
    /// request's envelope, else a tool error. Retry with `inputResponses.confirm` and the same
    /// requestState: "deleted <item>" on accept with ok true, "kept <item>" otherwise.
    static func confirmDelete() -> DemoTool {
        DemoTool(
            name: "confirm_delete",
            title: "Delete an item (asks first)",
            description: "Deletes an item after the user confirms it. Nothing real is deleted.",
            inputSchema: [
                "type": "object",
                "properties": ["item": ["type": "string", "description": "What to delete."]],
                "required": ["item"],
            ],
            annotations: DemoTool.annotations(
                title: "Delete an item (asks first)", readOnly: false, destructive: true, idempotent: true)
        ) { arguments, context in
            let item = try DemoArguments.nonEmptyString(arguments, "item")
            if let confirm = context.inputResponses?["confirm"] {
                guard let state = context.requestState, ConfirmState.item(in: state) == item else {
                    return .error(
                        "confirm_delete: the requestState does not belong to deleting \"\(item)\"; "
                            + "retry with the requestState this server returned for it.")
                }
                let accepted = confirm["action"] == "accept" && confirm["content"]?["ok"] == true
                return .text(accepted ? "deleted \(item)" : "kept \(item)")
            }
            guard context.clientCapabilities?["elicitation"]?.objectValue != nil else {
                return .error(
                    "confirm_delete needs elicitation: declare \"elicitation\" in "
                        + "_meta[\"io.modelcontextprotocol/clientCapabilities\"] to be asked for confirmation.")
            }
            let request: JSONValue = [
                "method": "elicitation/create",
                "params": [
                    "mode": "form",
                    "message": .string("Delete \(item)?"),
                    "requestedSchema": [
                        "type": "object",
                        "properties": ["ok": ["type": "boolean"]],
                        "required": ["ok"],
                    ],
                ],
            ]
            return .inputRequired(JSONObject([("confirm", request)]), requestState: ConfirmState.encode(item: item))
        }
    }
}

/// The opaque `requestState` of confirm_delete: base64 of `{"tool":"confirm_delete","item":…}`.
/// Deliberately not tamper-evident (a demo server; the hub's own states are the signed ones).
private enum ConfirmState {
    static func encode(item: String) -> String {
        let json: JSONValue = ["tool": "confirm_delete", "item": .string(item)]
        return Data(json.serializedBytes()).base64EncodedString()
    }

    /// The item a state names, or nil for anything this server did not issue.
    static func item(in state: String) -> String? {
        guard let data = Data(base64Encoded: state), let value = try? JSONParser.parse([UInt8](data)),
            value["tool"] == "confirm_delete"
        else { return nil }
        return value["item"]?.stringValue
    }
}

ModernDemoServer(
    name: "modern-server",
    version: "1.0.0",
    instructions: "A demo server that speaks only MCP 2026-07-28. confirm_delete asks for confirmation first.",
    tools: ModernTools.all()
).run()
