#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Owns: the flow of a live reload of hub.json (on SIGHUP, or when `ConfigWatch` sees the file change):
/// read and check it with every other problem, keep the running config when it is not valid, and
/// otherwise apply what `ConfigChange` found — policies for the next call, servers started, stopped
/// (after their calls in flight are answered) and restarted, the client told its lists changed.
/// Never: touches a call in flight, or widens what a held call was approved for (`runApproved`
/// re-decides it under the policy of the moment it runs).
extension HubRouter {
    /// Starts watching hub.json (`serve` only).
    func startConfigWatch() {
        guard watchesConfig else { return }
        configWatch = ConfigWatch(loaded: LocalFile.stamp(at: config.filePath))
        _ = timers.start(after: ConfigWatch.interval, .configWatch)
    }

    func watchConfigFile() {
        guard !lifecycle.shuttingDown else { return }
        if configWatch.observe(LocalFile.stamp(at: config.filePath)) {
            reloadConfig(because: "hub.json changed")
        }
        _ = timers.start(after: ConfigWatch.interval, .configWatch)
    }

    /// Reads hub.json again and applies it; an invalid file changes nothing and says why on stderr.
    func reloadConfig(because reason: String) {
        // The stamp before the read: a write during the read is seen by the next look, and read again.
        configWatch.reloaded(LocalFile.stamp(at: config.filePath))
        let path = config.filePath
        // The router reads it on its own thread: a FIFO or a device in its place would stall every call.
        if LocalFile.kind(at: path) == .file, !LocalFile.isRegularFile(path) {
            log.error("reload (\(reason)): \(path) is not a regular file; the running config is kept")
            return
        }
        let loaded: HubConfig
        switch ConfigLoader.loadAll(path: path, environment: environment) {
        case .failure(let problems):
            let count = problems.errors.count
            log.error(
                "reload (\(reason)): \(path) has \(count) problem\(count == 1 ? "" : "s"); the running config is kept")
            for error in problems.errors { log.error("\(error)") }
            auditRecord(
                .configReload(
                    AuditConfigReload(
                        path: path, applied: false, reason: "\(count) problem\(count == 1 ? "" : "s") in the file")))
            return
        case .success(let config):
            loaded = config
        }
        let change = ConfigChange(from: config, to: loaded)
        guard !change.isEmpty else {
            log.info("reload (\(reason)): no change")
            return
        }
        for key in change.kept {
            log.warning("reload: \"\(key)\" changed; it stays as it was until the hub restarts")
        }
        apply(change, to: ConfigChange.applied(loaded, keeping: config))
        log.info("reload (\(reason)): \(change.summary)")
        auditRecord(
            .configReload(
                AuditConfigReload(
                    path: path, applied: true, reason: reason, added: change.added.map(\.name),
                    removed: change.removed,
                    changed: (change.relaunched + change.reconfigured).map(\.name))))
    }

    private func apply(_ change: ConfigChange, to new: HubConfig) {
        config = new
        let listsBefore = ListKind.allCases.map { catalog.items($0) }
        catalog.usePolicies(of: new)
        for server in change.reconfigured { pool.named(server.name)?.reconfigure(server) }
        var changedKinds = Set<ListKind>()
        for name in change.removed + change.relaunched.map(\.name) {
            guard let target = pool.named(name) else { continue }
            changedKinds.formUnion(ListKind.allCases.filter { target.offers($0) })
            removeTarget(
                target, because: change.removed.contains(name) ? "removed from hub.json" : "its settings changed")
        }
        let window = pool.sessions.first?.restarts.window ?? 60
        for server in change.relaunched + change.added {
            let target = pool.add(server)
            calls.addTarget()
            target.restarts.window = window
            target.announceWhenReady = true
            startTarget(target)
        }
        rebuildCatalog()
        // What the client is shown may change without a server leaving (hidden tools, listing modes).
        for (kind, before) in zip(ListKind.allCases, listsBefore) where before != catalog.items(kind) {
            changedKinds.insert(kind)
        }
        for kind in ListKind.allCases where changedKinds.contains(kind) { notifyListChanged(kind) }
    }

    /// A server leaves the running config: no new calls reach it; calls waiting for its restart are
    /// refused; its process stops once the calls it is running are answered (or time out).
    private func removeTarget(_ target: TargetSession, because reason: String) {
        pool.remove(target)
        timers.cancel(target.startupTimer)
        timers.cancel(target.restarts.timer)
        target.restarts.timer = nil
        failDeferredCalls(for: target, because: "server \"\(target.name)\" was \(reason)")
        // What a human approved was this process: grants, held calls and open prompts for it end here.
        for prompt in desk.forget(server: target.name) {
            timers.cancel(prompt.timer)
            notifyClient(
                .init(
                    method: "notifications/cancelled",
                    params: ["requestId": .string(prompt.id), "reason": "the server was changed in hub.json"]))
            answer(
                prompt.request.ticket,
                result: HeldCallText.confirmError(
                    "\(prompt.call.exposedName) was not run: server \"\(target.name)\" was \(reason) while it waited"))
        }
        log.server(target.name, "stopping: \(reason)")
        stopRemovedTargetIfIdle(target)
    }

    /// After every event: removed targets with nothing left in flight are stopped.
    func stopDrainedTargets() {
        guard pool.hasRemoved else { return }
        for target in pool.sessions where target.isRemoved && target.process != nil {
            stopRemovedTargetIfIdle(target)
        }
    }

    private func stopRemovedTargetIfIdle(_ target: TargetSession) {
        guard let process = target.process, calls.calls(at: target.index).isEmpty || !target.state.isSettled
        else { return }
        target.process = nil
        retire(process)
    }
}
