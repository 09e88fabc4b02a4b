/// Owns: the two words of resource subscriptions shared by targets and the client side: who holds a
/// subscription and who waits for a target to confirm one. Never: more than names.

/// Who wants updates of a resource: the legacy client (`resources/subscribe`), or one of a modern
/// client's `subscriptions/listen` streams (by its ticket).
enum SubscriptionHolder: Hashable {
    case legacyClient
    case stream(CallTable.Ticket)
}

/// Someone waiting until a target confirms a subscription: a legacy client's `resources/subscribe`
/// (answered `{}`, or with the target's error), or a modern client's listen stream (acknowledged once
/// every target it involves has confirmed).
enum SubscriptionWaiter: Equatable {
    case clientRequest(CallTable.Ticket)
    case stream(CallTable.Ticket)
}
