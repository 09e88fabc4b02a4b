// demo-payments: a fake payments API served over stdio MCP, for the README's hub.json and the
// end-to-end tests. All data lives in memory and resets when the process exits; no money moves.
import DemoServerKit
import Foundation
import MCPWire
import Synchronization

private struct Customer: Sendable {
    var id: String
    var name: String
    var email: String

    var json: JSONValue { ["id": .string(id), "name": .string(name), "email": .string(email)] }
}

private struct PaymentsState: Sendable {
    var available = 1000
    let currency: String
    var customers = [
        Customer(id: "cus_001", name: "Ada Lovelace", email: "ada@example.com"),
        Customer(id: "cus_002", name: "Grace Hopper", email: "grace@example.com"),
        Customer(id: "cus_003", name: "Alan Turing", email: "alan@example.com"),
    ]
    var refundsIssued = 0
}

/// The process's fake account; one owner, so concurrent calls would see consistent state.
private final class PaymentsStore: Sendable {
    let state: Mutex<PaymentsState>

    /// The currency comes from `DEMO_CURRENCY` (the README's hub.json passes it through), else USD.
    init() {
        let fromEnvironment = ProcessInfo.processInfo.environment["DEMO_CURRENCY"] ?? ""
        state = Mutex(PaymentsState(currency: fromEnvironment.isEmpty ? "USD" : fromEnvironment))
    }
}

private enum PaymentsTools {
    static func all(store: PaymentsStore) -> [DemoTool] {
        [
            getBalance(store), listCustomers(store), refund(store), deleteCustomer(store), executeSQL(store),
            echo(),
        ]
    }

    static func getBalance(_ store: PaymentsStore) -> DemoTool {
        DemoTool(
            name: "get_balance",
            title: "Get balance",
            description: "Returns the account's available balance and its currency.",
            outputSchema: [
                "type": "object",
                "properties": ["available": ["type": "integer"], "currency": ["type": "string"]],
                "required": ["available", "currency"],
            ],
            annotations: DemoTool.annotations(
                title: "Get balance", readOnly: true, destructive: false, idempotent: true)
        ) { _, _ in
            let (available, currency) = store.state.withLock { ($0.available, $0.currency) }
            return .structured(["available": .int(available), "currency": .string(currency)])
        }
    }

    static func listCustomers(_ store: PaymentsStore) -> DemoTool {
        DemoTool(
            name: "list_customers",
            title: "List customers",
            description: "Lists all customers (id, name, email) as a JSON array.",
            annotations: DemoTool.annotations(
                title: "List customers", readOnly: true, destructive: false, idempotent: true)
        ) { _, _ in
            let customers = store.state.withLock { $0.customers }
            return .text(JSONValue.array(customers.map(\.json)).serialized())
        }
    }

    static func refund(_ store: PaymentsStore) -> DemoTool {
        DemoTool(
            name: "refund",
            title: "Refund a charge",
            description: "Refunds `amount` (whole currency units) of a charge. Lowers the available balance.",
            inputSchema: [
                "type": "object",
                "properties": [
                    "charge_id": ["type": "string", "description": "The charge to refund, e.g. ch_123."],
                    "amount": ["type": "integer", "minimum": 1, "description": "Whole currency units."],
                ],
                "required": ["charge_id", "amount"],
            ],
            annotations: DemoTool.annotations(
                title: "Refund a charge", readOnly: false, destructive: false, idempotent: false)
        ) { arguments, _ in
            let chargeID = try DemoArguments.nonEmptyString(arguments, "charge_id")
            let amount = try DemoArguments.integer(arguments, "amount")
            guard amount > 0 else {
                throw DemoToolError.invalidArgument(name: "amount", expected: "a positive integer", got: String(amount))
            }
            return try store.state.withLock { (state) throws -> DemoToolResult in
                guard amount <= state.available else {
                    throw DemoToolError.failed(
                        "Cannot refund \(amount) \(state.currency): only \(state.available) available.")
                }
                state.available -= amount
                state.refundsIssued += 1
                let refundID = "re_" + String(1000 + state.refundsIssued)
                return .text("Refunded \(amount) \(state.currency) on charge \(chargeID) (refund \(refundID)).")
            }
        }
    }

    static func deleteCustomer(_ store: PaymentsStore) -> DemoTool {
        DemoTool(
            name: "delete_customer",
            title: "Delete a customer",
            description: "Permanently deletes a customer record.",
            inputSchema: [
                "type": "object",
                "properties": ["customer_id": ["type": "string", "description": "e.g. cus_001"]],
                "required": ["customer_id"],
            ],
            annotations: DemoTool.annotations(
                title: "Delete a customer", readOnly: false, destructive: true, idempotent: true)
        ) { arguments, _ in
            let id = try DemoArguments.nonEmptyString(arguments, "customer_id")
            let removed = store.state.withLock { state -> Customer? in
                guard let i = state.customers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.customers.remove(at: i)
            }
            guard let removed else { throw DemoToolError.notFound("customer \(id)") }
            return .text("Deleted customer \(removed.id) (\(removed.name)).")
        }
    }

    static func executeSQL(_ store: PaymentsStore) -> DemoTool {
        DemoTool(
            name: "execute_sql",
            title: "Execute SQL",
            description: "Runs a SQL statement against the payments database. SELECT returns rows as JSON; "
                + "other statements return \"ok\".",
            inputSchema: [
                "type": "object",
                "properties": ["sql": ["type": "string", "description": "One SQL statement."]],
                "required": ["sql"],
            ],
            annotations: DemoTool.annotations(
                title: "Execute SQL", readOnly: false, destructive: true, idempotent: false)
        ) { arguments, _ in
            let sql = try DemoArguments.nonEmptyString(arguments, "sql")
            let statement = sql.drop(while: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "(" }).lowercased()
            guard statement.hasPrefix("select") else { return .text("ok") }
            // Fake rows: the customers when the query mentions them, else one placeholder row.
            if statement.contains("customer") {
                let customers = store.state.withLock { $0.customers }
                return .text(JSONValue.array(customers.map(\.json)).serialized())
            }
            return .text(JSONValue.array([["id": 1, "value": "demo"]]).serialized())
        }
    }

    static func echo() -> DemoTool {
        DemoTool(
            name: "echo",
            title: "Echo",
            description: "Returns the arguments it was called with, unchanged.",
            inputSchema: [
                "type": "object",
                "properties": ["text": ["description": "Anything; echoed back with any other arguments."]],
                "additionalProperties": true,
            ],
            outputSchema: [
                "type": "object",
                "properties": ["echo": ["type": "object"]],
                "required": ["echo"],
            ],
            annotations: DemoTool.annotations(title: "Echo", readOnly: true, destructive: false, idempotent: true)
        ) { arguments, _ in
            let echoed = JSONValue.object(arguments)
            return .structured(["echo": echoed], text: echoed.serialized())
        }
    }
}

DemoServer(
    name: "demo-payments",
    version: "1.0.0",
    instructions: "A fake payments API for trying out mcp-firewall-hub. Data is in memory and resets when "
        + "the server restarts; no real money moves.",
    tools: PaymentsTools.all(store: PaymentsStore())
).run()
