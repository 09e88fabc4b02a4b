// demo-notes: a tiny note store served over stdio MCP, for the README's hub.json and the end-to-end
// tests. Notes live in memory and reset when the process exits. Besides tools it offers a prompt
// (summarize_note), resources (notes://index, notes://note/<title>) with subscriptions and a
// template, completion of note titles, and tools that ask the client (ask_user → elicitation,
// list_roots → roots/list, ask_model → sampling).
import DemoServerKit
import MCPWire
import Synchronization

private struct Note: Sendable {
    var title: String
    var body: String
}

/// The process's notes, in creation order; one owner so concurrent calls see consistent state.
private final class NoteStore: Sendable {
    let notes = Mutex<[Note]>([
        Note(title: "welcome", body: "Welcome to demo-notes. Everything here is kept in memory only."),
        Note(title: "groceries", body: "eggs, milk, coffee"),
    ])

    var titles: [String] { notes.withLock { $0.map(\.title) } }

    func body(of title: String) -> String? {
        notes.withLock { $0.first { $0.title == title }?.body }
    }

    /// Titles starting with `prefix`, for completion.
    func titles(startingWith prefix: String) -> [String] {
        titles.filter { $0.hasPrefix(prefix) }
    }
}

/// The resource URIs of the notes.
private enum NotesURI {
    static let index = "notes://index"
    static let template = DemoResourceTemplate(uriTemplate: "notes://note/{title}", name: "note") { _ in nil }

    static func note(_ title: String) -> String { template.expand(["title": title]) }
}

private enum NotesTools {
    static func all(store: NoteStore) -> [DemoTool] {
        [listNotes(store), readNote(store), writeNote(store), deleteNote(store), askUser(), listRoots(), askModel()]
    }

    private static let titleSchema: JSONValue = ["type": "string", "description": "The note's title (its key)."]

    static func listNotes(_ store: NoteStore) -> DemoTool {
        DemoTool(
            name: "list_notes",
            title: "List notes",
            description: "Lists the titles of all notes as a JSON array of strings.",
            annotations: DemoTool.annotations(title: "List notes", readOnly: true, destructive: false, idempotent: true)
        ) { _, _ in
            let titles = store.notes.withLock { $0.map(\.title) }
            return .text(JSONValue.array(titles.map { .string($0) }).serialized())
        }
    }

    static func readNote(_ store: NoteStore) -> DemoTool {
        DemoTool(
            name: "read_note",
            title: "Read a note",
            description: "Returns the body of the note with the given title.",
            inputSchema: ["type": "object", "properties": ["title": titleSchema], "required": ["title"]],
            annotations: DemoTool.annotations(
                title: "Read a note", readOnly: true, destructive: false, idempotent: true)
        ) { arguments, _ in
            let title = try DemoArguments.string(arguments, "title")
            guard let note = store.notes.withLock({ $0.first { $0.title == title } }) else {
                throw DemoToolError.notFound("no note titled \"\(title)\"")
            }
            return .text(note.body)
        }
    }

    static func writeNote(_ store: NoteStore) -> DemoTool {
        DemoTool(
            name: "write_note",
            title: "Write a note",
            description: "Creates a note, or replaces the body of the note with that title.",
            inputSchema: [
                "type": "object",
                "properties": ["title": titleSchema, "body": ["type": "string", "description": "The note's text."]],
                "required": ["title", "body"],
            ],
            annotations: DemoTool.annotations(
                title: "Write a note", readOnly: false, destructive: false, idempotent: true)
        ) { arguments, context in
            let title = try DemoArguments.nonEmptyString(arguments, "title")
            let body = try DemoArguments.string(arguments, "body")
            let replaced = store.notes.withLock { notes -> Bool in
                if let i = notes.firstIndex(where: { $0.title == title }) {
                    notes[i].body = body
                    return true
                }
                notes.append(Note(title: title, body: body))
                return false
            }
            context.resourceUpdated(NotesURI.note(title))
            if !replaced {
                context.resourceUpdated(NotesURI.index)
                context.resourceListChanged()
            }
            context.logToClient(.info, .string(replaced ? "updated note \(title)" : "created note \(title)"))
            return .text(replaced ? "Updated note \"\(title)\"." : "Created note \"\(title)\".")
        }
    }

    static func deleteNote(_ store: NoteStore) -> DemoTool {
        DemoTool(
            name: "delete_note",
            title: "Delete a note",
            description: "Permanently deletes the note with the given title.",
            inputSchema: ["type": "object", "properties": ["title": titleSchema], "required": ["title"]],
            annotations: DemoTool.annotations(
                title: "Delete a note", readOnly: false, destructive: true, idempotent: true)
        ) { arguments, context in
            let title = try DemoArguments.string(arguments, "title")
            let removed = store.notes.withLock { notes -> Bool in
                guard let i = notes.firstIndex(where: { $0.title == title }) else { return false }
                notes.remove(at: i)
                return true
            }
            guard removed else { throw DemoToolError.notFound("no note titled \"\(title)\"") }
            context.resourceUpdated(NotesURI.note(title))
            context.resourceUpdated(NotesURI.index)
            context.resourceListChanged()
            context.logToClient(.info, .string("deleted note \(title)"))
            return .text("Deleted note \"\(title)\".")
        }
    }

    /// Asks the user a question through the client (`elicitation/create`, form mode) and returns
    /// the answer, "declined" or "cancelled".
    static func askUser() -> DemoTool {
        DemoTool(
            name: "ask_user",
            title: "Ask the user",
            description: "Asks the user a question through the client and returns their answer.",
            inputSchema: [
                "type": "object",
                "properties": ["question": ["type": "string", "description": "What to ask."]],
                "required": ["question"],
            ],
            annotations: DemoTool.annotations(
                title: "Ask the user", readOnly: false, destructive: false, idempotent: false),
            concurrent: true
        ) { arguments, context in
            let question = try DemoArguments.nonEmptyString(arguments, "question")
            var params = JSONObject()
            // `mode` exists since 2025-11-25 (the dates compare as strings).
            if context.protocolVersion >= "2025-11-25" { params["mode"] = "form" }
            params["message"] = .string(question)
            params["requestedSchema"] = [
                "type": "object",
                "properties": ["answer": ["type": "string", "description": "Your answer."]],
                "required": ["answer"],
            ]
            let result = try clientResult(context.ask("elicitation/create", params: params), "elicitation/create")
            switch result["action"]?.stringValue {
            case "accept":
                guard let answer = result["content"]?["answer"]?.stringValue else {
                    throw DemoToolError.failed("The client accepted the question but sent no \"answer\" text.")
                }
                return .text(answer)
            case "decline": return .text("declined")
            case "cancel": return .text("cancelled")
            default:
                throw DemoToolError.failed("The client answered elicitation/create with \(result.serialized()).")
            }
        }
    }

    /// Asks the client for its roots (`roots/list`) and returns their URIs as a JSON array.
    static func listRoots() -> DemoTool {
        DemoTool(
            name: "list_roots",
            title: "List the client's roots",
            description: "Asks the client for its roots and returns their URIs as a JSON array of strings.",
            annotations: DemoTool.annotations(
                title: "List the client's roots", readOnly: true, destructive: false, idempotent: true),
            concurrent: true
        ) { _, context in
            let result = try clientResult(context.ask("roots/list", params: JSONObject()), "roots/list")
            let uris = result["roots"]?.arrayValue?.compactMap { $0["uri"]?.stringValue } ?? []
            return .text(JSONValue.array(uris.map { .string($0) }).serialized())
        }
    }

    /// Asks the client's model (`sampling/createMessage`) and returns the text it wrote.
    static func askModel() -> DemoTool {
        DemoTool(
            name: "ask_model",
            title: "Ask the client's model",
            description: "Sends a prompt to the client's language model (sampling) and returns its reply.",
            inputSchema: [
                "type": "object",
                "properties": ["prompt": ["type": "string", "description": "What to ask the model."]],
                "required": ["prompt"],
            ],
            annotations: DemoTool.annotations(
                title: "Ask the client's model", readOnly: true, destructive: false, idempotent: false),
            concurrent: true
        ) { arguments, context in
            let prompt = try DemoArguments.nonEmptyString(arguments, "prompt")
            let params = JSONObject([
                ("messages", [DemoPrompt.userMessage(prompt)]), ("maxTokens", 200),
            ])
            let result = try clientResult(
                context.ask("sampling/createMessage", params: params), "sampling/createMessage")
            guard let text = result["content"]?["text"]?.stringValue else {
                throw DemoToolError.failed("The model's reply had no text: \(result.serialized()).")
            }
            return .text(text)
        }
    }

    /// The result of the client's answer, or a tool error naming the client's JSON-RPC error.
    private static func clientResult(_ response: JSONRPCMessage.Response, _ method: String) throws -> JSONValue {
        switch response.outcome {
        case .result(let value):
            return value
        case .error(let error):
            throw DemoToolError.failed(
                "The client could not answer \(method): \(error.message) (code \(error.code)).")
        }
    }
}

private enum NotesPrompts {
    static func summarizeNote(_ store: NoteStore) -> DemoPrompt {
        DemoPrompt(
            name: "summarize_note",
            title: "Summarize a note",
            description: "Asks the model to summarize one note.",
            arguments: [.init(name: "title", description: "The note's title.", required: true)],
            complete: { argument, prefix in argument == "title" ? store.titles(startingWith: prefix) : [] }
        ) { arguments in
            let title = arguments["title"] ?? ""
            guard let body = store.body(of: title) else {
                throw DemoCatalogError.notFound("no note titled \"\(title)\"")
            }
            return [DemoPrompt.userMessage("Summarize this note titled \"\(title)\":\n\n\(body)")]
        }
    }
}

private enum NotesResources {
    static func catalog(_ store: NoteStore) -> DemoResourceCatalog {
        DemoResourceCatalog(
            fixed: [
                DemoResource(
                    uri: NotesURI.index, name: "index", title: "Note index",
                    description: "The titles of all notes, one per line.", mimeType: "text/plain"
                ) { store.titles.joined(separator: "\n") }
            ],
            dynamic: {
                store.titles.map { title in
                    DemoResource(
                        uri: NotesURI.note(title), name: title, title: "Note \"\(title)\"",
                        description: "The text of the note titled \"\(title)\".", mimeType: "text/plain"
                    ) { store.body(of: title) ?? "" }
                }
            },
            templates: [
                DemoResourceTemplate(
                    uriTemplate: NotesURI.template.uriTemplate, name: "note", title: "A note by title",
                    description: "The text of the note with the given title.", mimeType: "text/plain",
                    complete: { variable, prefix in variable == "title" ? store.titles(startingWith: prefix) : [] }
                ) { variables in store.body(of: variables["title"] ?? "") }
            ])
    }
}

private let store = NoteStore()

DemoServer(
    name: "demo-notes",
    version: "1.0.0",
    instructions: "A small in-memory note store for trying out mcp-firewall-hub. Notes reset when the server restarts.",
    tools: NotesTools.all(store: store),
    prompts: [NotesPrompts.summarizeNote(store)],
    resources: NotesResources.catalog(store),
    features: [.logging]
).run()
