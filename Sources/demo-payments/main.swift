// demo-payments: a fake payments API served over stdio MCP, for the README's hub.json and the
// end-to-end tests. All data lives in memory and resets when the process exits; no money moves.
// Besides plain tools it shows progress, logging, cancellation (export_report), a tool list that
// changes at run time (enable_admin_tools → admin_reset) and a prompt (refund_email).
import DemoServerKit
import Foundation
import MCPWire
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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

    static let initialCustomers = PaymentsState(currency: "USD").customers
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
            DemoTool.echo(), exportReport(store), enableAdminTools(store),
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

    /// A slow, read-only tool: one step every `delay_ms`, each reported as progress (when the call
    /// carried a progress token) and logged at `info` (when the client set a level); stops early
    /// when cancelled.
    static func exportReport(_ store: PaymentsStore) -> DemoTool {
        DemoTool(
            name: "export_report",
            title: "Export a report",
            description: "Builds an account report in `steps` steps of `delay_ms` milliseconds each, reporting "
                + "progress. Returns the report as JSON.",
            inputSchema: [
                "type": "object",
                "properties": [
                    "steps": ["type": "integer", "minimum": 1, "maximum": 10000, "default": 5],
                    "delay_ms": ["type": "integer", "minimum": 0, "maximum": 60000, "default": 200],
                ],
                "additionalProperties": false,
            ],
            annotations: DemoTool.annotations(
                title: "Export a report", readOnly: true, destructive: false, idempotent: true),
            concurrent: true
        ) { arguments, context in
            let steps = try optionalInteger(arguments, "steps", default: 5, range: 1...10000)
            let delay = try optionalInteger(arguments, "delay_ms", default: 200, range: 0...60000)
            for step in 1...steps {
                guard PaymentsClock.sleep(milliseconds: delay, unlessCancelled: context) else {
                    context.log("export_report stopped after \(step - 1) of \(steps) steps: cancelled")
                    return .error("Cancelled after \(step - 1) of \(steps) steps.")
                }
                context.progress(Double(step), total: Double(steps), message: "step \(step) of \(steps)")
                context.logToClient(.info, .string("export_report: step \(step) of \(steps) done"))
            }
            context.logToClient(.notice, .string("export_report: report ready"))
            let report = store.state.withLock { state -> JSONValue in
                [
                    "available": .int(state.available), "currency": .string(state.currency),
                    "customers": .int(state.customers.count), "refunds": .int(state.refundsIssued),
                ]
            }
            return .text(report.serialized())
        }
    }

    /// Adds `admin_reset` to the tool list (once) and announces it with tools/list_changed.
    static func enableAdminTools(_ store: PaymentsStore) -> DemoTool {
        DemoTool(
            name: "enable_admin_tools",
            title: "Enable admin tools",
            description: "Adds the admin_reset tool to this server's tool list.",
            annotations: DemoTool.annotations(
                title: "Enable admin tools", readOnly: false, destructive: false, idempotent: true)
        ) { _, context in
            if context.currentToolNames.contains("admin_reset") { return .text("Admin tools are already enabled.") }
            context.addTool(adminReset(store))
            return .text("Enabled admin tools: admin_reset.")
        }
    }

    static func adminReset(_ store: PaymentsStore) -> DemoTool {
        DemoTool(
            name: "admin_reset",
            title: "Reset the account",
            description: "Restores the starting balance and customers and forgets all refunds.",
            annotations: DemoTool.annotations(
                title: "Reset the account", readOnly: false, destructive: true, idempotent: true)
        ) { _, _ in
            store.state.withLock { state in
                state.available = 1000
                state.customers = PaymentsState.initialCustomers
                state.refundsIssued = 0
            }
            return .text("Account reset: balance 1000, 3 customers, no refunds.")
        }
    }

    /// An optional integer argument within `range`.
    private static func optionalInteger(
        _ arguments: JSONObject, _ name: String, default value: Int, range: ClosedRange<Int>
    ) throws -> Int {
        guard arguments[name] != nil else { return value }
        let n = try DemoArguments.integer(arguments, name)
        guard range.contains(n) else {
            throw DemoToolError.invalidArgument(
                name: name, expected: "an integer from \(range.lowerBound) to \(range.upperBound)", got: String(n))
        }
        return n
    }
}

/// Sleeping in short slices so a cancellation is noticed within about 10 ms.
private enum PaymentsClock {
    /// Returns false (early) if the call is cancelled before or during the sleep.
    static func sleep(milliseconds: Int, unlessCancelled context: ToolContext) -> Bool {
        var left = milliseconds
        repeat {
            if context.isCancelled { return false }
            let slice = min(left, 10)
            var request = timespec(tv_sec: 0, tv_nsec: slice * 1_000_000)
            var remaining = timespec()
            while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
            left -= slice
        } while left > 0
        return !context.isCancelled
    }
}

private enum PaymentsPrompts {
    static func all(store: PaymentsStore) -> [DemoPrompt] {
        [refundEmail(store)]
    }

    static func refundEmail(_ store: PaymentsStore) -> DemoPrompt {
        DemoPrompt(
            name: "refund_email",
            title: "Refund email",
            description: "Drafts an email telling a customer that their refund is on its way.",
            arguments: [.init(name: "customer_id", description: "The customer, e.g. cus_001.", required: true)],
            complete: { argument, prefix in
                guard argument == "customer_id" else { return [] }
                return store.state.withLock { $0.customers.map(\.id) }.filter { $0.hasPrefix(prefix) }
            }
        ) { arguments in
            let id = arguments["customer_id"] ?? ""
            guard let customer = store.state.withLock({ $0.customers.first { $0.id == id } }) else {
                throw DemoCatalogError.notFound("customer \(id)")
            }
            return [
                DemoPrompt.userMessage(
                    "Write a short, friendly email to \(customer.name) <\(customer.email)> confirming that their "
                        + "refund is on its way. Sign it \"The Payments Team\".")
            ]
        }
    }
}

private let store = PaymentsStore()

DemoServer(
    name: "demo-payments",
    version: "1.0.0",
    instructions: "A fake payments API for trying out mcp-firewall-hub. Data is in memory and resets when "
        + "the server restarts; no real money moves.",
    tools: PaymentsTools.all(store: store),
    prompts: PaymentsPrompts.all(store: store),
    features: [.toolListChanged, .logging]
).run()
