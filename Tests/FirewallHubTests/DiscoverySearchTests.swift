import MCPWire
import Testing

@testable import FirewallHub

/// Search over the 400-tool fixture: ranking, determinism, and that policy shapes what is found.
@Suite struct DiscoverySearchTests {
    /// Built once: every test only reads it.
    static let shared = Result { try DiscoveryFixture() }
    let fixture: DiscoveryFixture

    init() throws { fixture = try Self.shared.get() }

    private func top(_ query: String, limit: Int = 5, server: String? = nil) -> [String] {
        fixture.discovery.search(query, limit: limit, server: server).map(\.tool.name)
    }

    @Test func fixtureHas400ToolsOfWhichSomeAreNotFindable() {
        #expect(fixture.catalog.entries.count == 400)
        // Two hidden tools are not discoverable at all; four always-denied ones are known but not findable.
        #expect(fixture.tools.count == 398)
        #expect(fixture.tools.filter(\.isAlwaysDenied).map(\.name).sorted().count == 4)
        #expect(fixture.discovery.findableCount == 394)
    }

    @Test(arguments: [
        ("refund a charge", "stripe.create_refund"),
        ("refund a shopify order", "shopify.refund_order"),
        ("send a message to a slack channel", "slack.post_message"),
        ("run a sql query against the database", "postgres.execute_sql"),
        ("read the logs of a pod", "kubernetes.get_pod_logs"),
        ("send an email", "gmail.send_email"),
        ("fetch a web page", "fetch.fetch_url"),
        ("create a pull request", "github.create_pull_request"),
        ("text message to a phone number", "twilio.send_sms"),
        ("unresolved errors", "sentry.listUnresolvedErrors"),
        ("stack trace of an error", "sentry.getErrorDetails"),
        ("find a time when everyone is free", "calendar.find_free_time"),
        ("share a document with a colleague by email", "drive.share_file"),
        ("scale deployment replicas", "kubernetes.scale_deployment"),
        ("move a jira ticket to done", "jira.transition_ticket"),
        ("read note", "notes.read_note"),
        ("list customers", "stripe.list_customers"),
        ("presigned url", "s3.presign_url"),
    ])
    func obviousToolRanksFirst(query: String, expected: String) {
        let results = top(query)
        #expect(results.first == expected, "\(query): \(results)")
    }

    @Test(arguments: ["stripe.create_refund", "stripe__create_refund", "create_refund", "STRIPE.CREATE_REFUND"])
    func exactNameRanksFirst(query: String) {
        #expect(top(query).first == "stripe.create_refund")
    }

    @Test func prefixOfAWordStillFinds() {
        #expect(top("refun").contains("stripe.create_refund"))
        #expect(top("kubern").first?.hasPrefix("kubernetes.") == true)
    }

    @Test func serverFilterSearchesOneServer() {
        let results = top("delete", limit: 50, server: "github")
        #expect(!results.isEmpty)
        #expect(results.allSatisfy { $0.hasPrefix("github.") })
    }

    @Test func resultsAreDeterministicAcrossBuildsAndInputOrder() throws {
        let queries = ["list", "create a new project", "search", "delete", "get one by its id", "message"]
        let again = DiscoveryCatalog(fixture.tools.reversed())
        for query in queries {
            let first = fixture.discovery.search(query, limit: 50)
            #expect(first == fixture.discovery.search(query, limit: 50))
            #expect(first.map(\.tool.name) == again.search(query, limit: 50).map(\.tool.name), "\(query)")
            // Best first; equal scores in name order.
            for (a, b) in zip(first, first.dropFirst()) {
                #expect(a.score > b.score || (a.score == b.score && a.tool.name < b.tool.name))
            }
        }
    }

    @Test func tiesAreBrokenByName() {
        let definition: JSONObject = ["description": "Same words exactly."]
        let tools = ["b", "c", "a"].map { server in
            DiscoverableTool(
                name: "\(server).same", server: server, tool: "same", definition: definition,
                decision: PolicyDecision(action: .allow, rule: "r"))
        }
        let catalog = DiscoveryCatalog(tools)
        #expect(catalog.search("same words", limit: 10).map(\.tool.name) == ["a.same", "b.same", "c.same"])
    }

    @Test func deniedToolsAreNeverFound() {
        let denied = fixture.tools.filter(\.isAlwaysDenied).map(\.name)
        #expect(
            denied.sorted() == [
                "stripe.delete_charge", "stripe.delete_customer", "stripe.delete_invoice",
                "stripe.delete_subscription",
            ])
        for query in [
            "delete customer", "delete a charge from stripe permanently", "stripe.delete_customer",
            "delete_invoice", "subscription", "stripe delete",
        ] {
            let found = fixture.discovery.search(query, limit: 50).map(\.tool.name)
            #expect(Set(found).isDisjoint(with: denied), "\(query): \(found)")
        }
    }

    @Test func hiddenToolsAreNeverFound() {
        for query in [
            "retrieve balance", "stripe.retrieve_balance", "account balance in every currency",
            "exec in pod", "run a shell command inside a pod",
        ] {
            let found = fixture.discovery.search(query, limit: 50).map(\.tool.name)
            #expect(!found.contains("stripe.retrieve_balance") && !found.contains("kubernetes.exec_in_pod"))
        }
    }

    @Test func heldToolsSayNeedsApproval() {
        let refund = fixture.discovery.search("refund a charge", limit: 1)[0].tool
        #expect(refund.firewallLabel == "needs approval")
        #expect(fixture.discovery.search("list customers", limit: 1)[0].tool.firewallLabel == "allow")
        // Built-in step: a write without annotations' blessing asks.
        #expect(fixture.discovery.search("send an email", limit: 1)[0].tool.firewallLabel == "needs approval")
        // An argument rule may deny it: the label says it depends.
        let scale = fixture.discovery.search("scale deployment", limit: 1)[0].tool
        #expect(scale.name == "kubernetes.scale_deployment")
        #expect(scale.firewallLabel == "depends on arguments")
    }

    @Test func syncReindexesOnlyChangedServers() {
        var catalog = fixture.discovery
        #expect(catalog.sync(fixture.tools) == [])
        var changed = fixture.tools
        let index = changed.firstIndex { $0.name == "notes.read_note" }!
        changed[index].definition["description"] = "Open a memo and show its words."
        #expect(catalog.sync(changed) == ["notes"])
        #expect(catalog.search("memo words", limit: 1).first?.tool.name == "notes.read_note")
        #expect(catalog.sync(changed.filter { $0.server != "gmail" }) == ["gmail"])
        #expect(catalog.search("send an email", limit: 10).allSatisfy { $0.tool.server != "gmail" })
        #expect(catalog.findableCount == fixture.discovery.findableCount - 20)
    }

    @Test func incrementalUpdatesRankExactlyAsAFreshBuild() {
        var catalog = fixture.discovery
        var tools = fixture.tools
        // Drop two servers, change a third, then bring one back: slots are freed and reused.
        catalog.replace(server: "stripe", with: [])
        catalog.replace(server: "slack", with: [])
        for i in tools.indices where tools[i].server == "notes" { tools[i].definition["description"] = "Memo." }
        catalog.replace(server: "notes", with: tools.filter { $0.server == "notes" })
        catalog.replace(server: "stripe", with: tools.filter { $0.server == "stripe" })
        let remaining = tools.filter { $0.server != "slack" }
        let fresh = DiscoveryCatalog(remaining)
        for query in ["refund a charge", "memo", "send a message", "list", "get one by its id", "stripe"] {
            #expect(catalog.search(query, limit: 50) == fresh.search(query, limit: 50), "\(query)")
        }
        #expect(catalog.tool(named: "slack.post_message") == nil)
        #expect(catalog.findableCount == fresh.findableCount)
    }

    @Test func dotlessNamesAreSearchedAndReturned() throws {
        let dotless = try DiscoveryFixture(naming: ToolNaming(separator: "__", maxLength: 64, allowsDots: false))
        #expect(dotless.discovery.search("refund a charge", limit: 1).first?.tool.name == "stripe__create_refund")
        #expect(dotless.discovery.search("stripe.create_refund", limit: 1).first?.tool.name == "stripe__create_refund")
    }
}
