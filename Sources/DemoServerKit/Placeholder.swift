import MCPWire
enum DemoPlaceholder {}
