/// Whether a server's text names the firewall in any spelling a human would read as its name: any case,
/// any separators (`MCP Firewall Hub`, `mcp_firewall-hub`), hidden characters between the letters, and
/// the common look-alike letters (Cyrillic and Greek forms of Latin ones, fullwidth forms).
/// It only detects; it never decides what to do with the text.
enum HubLookalike {
    /// The names in their folded form: letters and digits only, lowercase Latin.
    static let foldedNames = ["mcpfirewallhub", "firewallhub", "firewallconfirm"]

    /// True when `text` names the firewall in any of those spellings.
    static func mentionsHub(_ text: String) -> Bool {
        let folded = fold(text)
        return foldedNames.contains { folded.contains($0) }
    }

    /// `text` reduced to lowercase Latin letters and digits: look-alikes mapped to the letter they
    /// imitate, everything else (spaces, punctuation, hidden characters) dropped.
    static func fold(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            var value = scalar.value
            if (0xFF21...0xFF3A).contains(value) || (0xFF41...0xFF5A).contains(value) { value -= 0xFEE0 }  // fullwidth
            if let latin = confusables[value] { value = latin.value }
            guard let mapped = Unicode.Scalar(value) else { continue }
            if ("A"..."Z").contains(mapped) {
                out.append(Unicode.Scalar(value + 0x20)!)
            } else if ("a"..."z").contains(mapped) || ("0"..."9").contains(mapped) {
                out.append(mapped)
            }
        }
        return String(out)
    }

    /// Letters of other scripts that look like Latin ones, mapped to them.
    private static let confusables: [UInt32: Unicode.Scalar] = {
        let pairs: [(String, Unicode.Scalar)] = [
            ("аạ", "a"), ("с", "c"), ("её", "e"), ("һ", "h"), ("іїɩ", "i"), ("ј", "j"), ("ӏ", "l"), ("м", "m"),
            ("оο", "o"), ("рρ", "p"), ("ѕ", "s"), ("х", "x"), ("уу", "y"), ("ԁ", "d"), ("ɡ", "g"), ("ո", "n"),
            ("αа", "a"), ("ι", "i"), ("κ", "k"), ("ν", "v"), ("τ", "t"), ("ԝ", "w"), ("ϲ", "c"), ("ε", "e"),
            ("АΑ", "A"), ("ВΒ", "B"), ("СϹ", "C"), ("ЕΕ", "E"), ("НΗ", "H"), ("ІΙ", "I"), ("ЈΊ", "J"),
            ("КΚ", "K"), ("МΜ", "M"), ("ОΟ", "O"), ("РΡ", "P"), ("ЅS", "S"), ("ТΤ", "T"), ("ХΧ", "X"),
            ("УΥ", "Y"), ("ΖZ", "Z"), ("ΝN", "N"), ("Ԝ", "W"), ("ℓ", "l"), ("ı", "i"),
        ]
        var table: [UInt32: Unicode.Scalar] = [:]
        for (letters, latin) in pairs {
            for scalar in letters.unicodeScalars where scalar.value > 0x7F { table[scalar.value] = latin }
        }
        return table
    }()
}
