import MCPWire

/// `import`: reads an MCP client's config, writes a hub.json with its local servers, prints the one
/// entry the client needs instead, and (only with `--write`) rewrites the client's file. Literal
/// credentials in a server's `env` stay in that server's entry of hub.json (written 0600) rather than
/// moving into the hub's environment, which every server inherits; they are named, never shown.
enum ImportCommand {
    enum Exit {
        static let imported: Int32 = 0
        static let failed: Int32 = 1
    }

    static let clientFileLimit = 64 << 20

    static func run(_ options: ImportOptions, environment: [String: String], stderr: FDWriter) -> Int32 {
        let log = HubLog(writer: stderr, verbose: options.verbose)
        let cwd = LocalPath.absolute(".")
        var report = ""
        // The report goes to stdout, unless hub.json itself does.
        func finish(_ status: Int32) -> Int32 {
            if options.output == "-" { stderr.write(Array(report.utf8)) } else { HubCommandLine.writeStdout(report) }
            return status
        }
        var reads: [ImportPlan.ReadSource] = []
        var originals: [String: [UInt8]] = [:]
        let candidates: [ClientConfigSources.Source]
        switch options.from {
        case let client? where ClientConfigSources.clients.contains(client):
            candidates = ClientConfigSources.sources(client: client, environment: environment, currentDirectory: cwd)
        case let file?:
            let path = LocalPath.absolute(file)
            guard let (document, _, _) = readClientFile(path, log: log, required: true) else { return Exit.failed }
            candidates = [
                ClientConfigSources.source(
                    file: path, topLevelKeys: document.keys, currentDirectory: cwd, home: environment["HOME"] ?? "")
            ]
        case nil:
            candidates =
                ClientConfigSources.clients.lazy.map {
                    ClientConfigSources.sources(client: $0, environment: environment, currentDirectory: cwd)
                }.first { sources in sources.contains { LocalFile.kind(at: $0.path) == .file } } ?? []
        }
        for source in candidates {
            guard LocalFile.kind(at: source.path) == .file else { continue }
            guard let (document, bytes, extras) = readClientFile(source.path, log: log, required: options.from != nil)
            else {
                if options.from != nil { return Exit.failed }
                continue
            }
            reads.append(ImportPlan.ReadSource(source: source, document: document, hadExtras: extras))
            originals[source.path] = bytes
        }
        guard !reads.isEmpty else {
            let looked = candidates.map(\.path)
            log.error(
                "no MCP client config found" + (looked.isEmpty ? "" : "; looked at: " + looked.joined(separator: ", "))
                    + "; name one with --from claude-desktop|claude-code|cursor|vscode|FILE")
            return Exit.failed
        }
        let plan = ImportPlan(sources: reads)
        report += "read " + reads.map(\.source.path).joined(separator: ", ") + "\n"
        for item in plan.left { report += "left in \(item.source): \"\(item.name)\": \(item.reason)\n" }
        guard !plan.imported.isEmpty else {
            report += "nothing to import: no local (stdio) server the hub can take\n"
            return finish(Exit.failed)
        }

        // hub.json
        let output = options.output ?? defaultOutput(environment)
        // A preview on stdout never shows a credential (stdout may be a CI log); the file keeps them.
        let hubText = (output == "-" ? plan.hubConfig(maskingSecrets: true) : plan.hubConfig()).prettyPrinted() + "\n"
        let configPath = output == "-" ? "/path/to/hub.json" : LocalPath.absolute(output)
        if output == "-" {
            HubCommandLine.writeStdout(hubText)
        } else {
            if LocalFile.kind(at: configPath) != nil {
                log.error("\(configPath) exists; import never overwrites it: give another --output (or merge by hand)")
                return finish(Exit.failed)
            }
            _ = LocalFile.makeDirectories(LocalPath.deletingLastComponent(configPath))
            if case .failure(let failure) = LocalFile.writeAtomically(Array(hubText.utf8), to: configPath, mode: 0o600)
            {
                log.error("could not write \(configPath): \(failure)")
                return finish(Exit.failed)
            }
            report +=
                "wrote \(configPath) (mode 600) with \(plan.imported.count) server(s): "
                + plan.imported.map {
                    $0.server.name == $0.server.clientName
                        ? $0.server.name : "\($0.server.clientName) as \($0.server.name)"
                }
                .joined(separator: ", ") + "\n"
        }
        report += notes(plan, environment: environment)
        if output == "-", plan.imported.contains(where: { !$0.server.literalSecrets.isEmpty }) {
            report += "(preview: literal credentials are masked above; --output PATH writes them)\n"
        }

        // The client's entry.
        let first = plan.imported[0]
        let target = reads[first.source]
        let executable = OwnExecutable.path ?? "/path/to/mcp-firewall-hub"
        let entry = plan.hubEntry(executable: executable, configPath: configPath, client: target.source.client)
        let kept = (ImportPlan.value(at: first.container, in: target.document)?.objectValue?.keys ?? []).filter {
            name in
            !plan.imported.contains {
                $0.source == first.source && $0.container == first.container && $0.server.clientName == name
            }
        }
        let entryName = ClientFileRewrite.entryName(options.entryName, keeping: kept)
        report +=
            "\nthe entry your client needs instead (in \(target.source.path), under "
            + first.container.map { "\"\($0)\"" }.joined(separator: " → ") + "):\n"
        report += JSONValue.object([entryName: .object(entry)]).prettyPrinted() + "\n"
        if target.source.client == "claude-code" {
            report += "or: claude mcp add --scope user \(entryName) -- \(executable) serve --config \(configPath)\n"
        }
        guard options.write else {
            report +=
                "\nyour client's config is unchanged; run again with --write to replace the imported entries "
                + "with this one (a backup is made first)\n"
            return finish(Exit.imported)
        }
        report += "\n"
        var status = Exit.imported
        for (index, read) in reads.enumerated() {
            let removals = read.source.containers.map { container in
                (
                    container,
                    plan.imported.filter { $0.source == index && $0.container == container }.map(\.server.clientName)
                )
            }.filter { !$0.1.isEmpty }
            guard !removals.isEmpty || index == first.source else { continue }
            if read.hadExtras {
                report +=
                    "not rewritten: \(read.source.path) has comments or trailing commas that rewriting would drop; "
                    + "remove the imported entries and add the one above by hand\n"
                status = Exit.failed
                continue
            }
            let adding = index == first.source ? (first.container, entryName, entry) : nil
            let document = ClientFileRewrite.rewritten(read.document, removing: removals, adding: adding)
            switch ClientFileRewrite.write(document, to: read.source.path, original: originals[read.source.path] ?? [])
            {
            case .success(let backup):
                report += "rewrote \(read.source.path) (backup: \(backup))\n"
            case .failure(let failure):
                log.error("\(failure)")
                status = Exit.failed
            }
        }
        if target.source.client == "claude-code" {
            report +=
                "note: Claude Code rewrites ~/.claude.json while it runs; if it was running, check the entry "
                + "is still there after it exits\n"
        }
        report += "restart your MCP client to load the hub\n"
        return finish(status)
    }

    /// What the user must know: secrets kept literal, variables to set, and that no policy was invented.
    private static func notes(_ plan: ImportPlan, environment: [String: String]) -> String {
        var text = ""
        let secrets = plan.imported.flatMap { item in
            item.server.literalSecrets.map { "servers.\(item.server.name).env.\($0)" }
        }
        if !secrets.isEmpty {
            text +=
                "kept as written (not shown): " + secrets.joined(separator: ", ") + ". They stay in their own "
                + "server's entry: as ${VAR} references they would have to be in the hub's environment, which every "
                + "server inherits. hub.json is mode 600; keep it out of version control.\n"
        }
        let provided = Set(plan.clientVariables.map(\.name))
        let unset = Set(plan.imported.flatMap(\.server.variables)).subtracting(provided).filter {
            environment[$0] == nil
        }
        if !unset.isEmpty {
            text +=
                "set before starting your client (hub.json refers to them): " + unset.sorted().joined(separator: ", ")
                + "\n"
        }
        text +=
            "no policy was written: until you add one, each server's read-only annotated tools are allowed and "
            + "every other call asks you first; see mcp-firewall-hub check and explain\n"
        return text
    }

    private static func defaultOutput(_ environment: [String: String]) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            return xdg + "/" + ConfigLocator.relativeLocation
        }
        return (environment["HOME"] ?? ".") + "/.config/" + ConfigLocator.relativeLocation
    }

    /// A client file's object (comments and trailing commas allowed), its bytes, and whether it had such
    /// extras. Nil after saying why on stderr.
    private static func readClientFile(_ path: String, log: HubLog, required: Bool) -> (JSONObject, [UInt8], Bool)? {
        guard LocalFile.kind(at: path) == .file else {
            if required { log.error("\(path): no such file") }
            return nil
        }
        let bytes: [UInt8]
        switch LocalFile.contents(of: path, limit: clientFileLimit) {
        case .success(let read): bytes = read
        case .failure(let failure):
            log.error("\(path): cannot read it: \(failure)")
            return nil
        }
        let (json, extras) = JSONCText.strict(
            bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes)
        guard let value = try? JSONParser.parse(json), let object = value.objectValue else {
            log.error("\(path): not a JSON object; nothing was imported from it")
            return nil
        }
        return (object, bytes, extras)
    }
}
