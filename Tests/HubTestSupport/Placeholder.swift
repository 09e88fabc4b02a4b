import MCPWire
enum TestSupportPlaceholder {}
