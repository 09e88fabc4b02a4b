import Foundation
import Testing

@testable import FirewallHub

/// The configs the repo ships must stay valid.
@Suite struct ExampleConfigTests {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func theReposHubJSONLoads() throws {
        let config = try ConfigLoader.load(path: Self.root.appendingPathComponent("hub.json").path, environment: [:])
        #expect(config.servers.map(\.name) == ["payments", "notes"])
        #expect(config.approval.codeDelivery == .agent)
    }

    @Test func theProductionExampleLoadsAndNeedsItsVariables() throws {
        let path = Self.root.appendingPathComponent("examples/hub.production.json").path
        let environment = ["STRIPE_SECRET_KEY": "sk_test_x", "DATABASE_URL": "postgres://x", "HOME": "/h"]
        let config = try ConfigLoader.load(path: path, environment: environment)
        #expect(config.servers.map(\.name) == ["stripe", "postgres", "git", "docs"])
        #expect(config.servers[1].policy.rules.count == 2)
        #expect(config.approval.notify?.first == "curl")
        #expect(throws: ConfigError.self) { try ConfigLoader.load(path: path, environment: [:]) }
    }

    @Test func theSeedExampleLoads() throws {
        let path = Self.root.appendingPathComponent("examples/firewall_config.json").path
        _ = try SeedConfig.load(path: path)
    }
}
