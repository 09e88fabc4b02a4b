// demo-notes: a tiny note store served over stdio MCP, for the README's hub.json and the end-to-end
// tests. Notes live in memory and reset when the process exits.
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
}

private enum NotesTools {
    static func all(store: NoteStore) -> [DemoTool] {
        [listNotes(store), readNote(store), writeNote(store), deleteNote(store)]
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
        ) { arguments, _ in
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
        ) { arguments, _ in
            let title = try DemoArguments.string(arguments, "title")
            let removed = store.notes.withLock { notes -> Bool in
                guard let i = notes.firstIndex(where: { $0.title == title }) else { return false }
                notes.remove(at: i)
                return true
            }
            guard removed else { throw DemoToolError.notFound("no note titled \"\(title)\"") }
            return .text("Deleted note \"\(title)\".")
        }
    }
}

DemoServer(
    name: "demo-notes",
    version: "1.0.0",
    instructions: "A small in-memory note store for trying out mcp-firewall-hub. Notes reset when the server restarts.",
    tools: NotesTools.all(store: NoteStore())
).run()
