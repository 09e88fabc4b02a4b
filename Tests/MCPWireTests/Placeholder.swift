import Testing

@Test func placeholderMCPWireTests() {}
