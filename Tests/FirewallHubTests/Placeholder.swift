import Testing

@Test func placeholderFirewallHubTests() {}
