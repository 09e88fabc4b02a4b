#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Wall-clock instants as audit records write them: RFC 3339 in UTC with milliseconds
/// (`2025-06-01T10:00:00.123Z`), which sort as text in time order. Never reads a clock itself except
/// in `now()`; everything else is pure, so tests inject instants.
struct AuditInstant: Sendable, Equatable, Comparable {
    /// Seconds since 1970-01-01T00:00:00Z.
    var seconds: Int64
    /// 0…999: the record keeps milliseconds.
    var milliseconds: Int

    init(seconds: Int64, milliseconds: Int = 0) {
        self.seconds = seconds
        self.milliseconds = milliseconds
    }

    /// The system's real-time clock.
    static func now() -> AuditInstant {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return AuditInstant(seconds: Int64(ts.tv_sec), milliseconds: Int(ts.tv_nsec / 1_000_000))
    }

    static func < (lhs: AuditInstant, rhs: AuditInstant) -> Bool {
        (lhs.seconds, lhs.milliseconds) < (rhs.seconds, rhs.milliseconds)
    }

    /// `2025-06-01T10:00:00.123Z`.
    var rfc3339: String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return Self.pad(Int(parts.tm_year) + 1900, 4) + "-" + Self.pad(Int(parts.tm_mon) + 1, 2) + "-"
            + Self.pad(Int(parts.tm_mday), 2) + "T" + Self.pad(Int(parts.tm_hour), 2) + ":"
            + Self.pad(Int(parts.tm_min), 2) + ":" + Self.pad(Int(parts.tm_sec), 2) + "." + Self.pad(milliseconds, 3)
            + "Z"
    }

    /// Parses what a person types for `--since`: `2025-06-01`, `2025-06-01T10:00`, `2025-06-01T10:00:00`,
    /// with optional `.fff` and a zone (`Z`, `+02:00`, `-0500`; none means UTC), or a space for `T`.
    static func parse(_ text: String) -> AuditInstant? {
        var scanner = Scanner(Array(text.utf8))
        guard let year = scanner.digits(4), scanner.take("-"), let month = scanner.digits(2), scanner.take("-"),
            let day = scanner.digits(2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var hour = 0
        var minute = 0
        var second = 0
        var millis = 0
        var offsetSeconds = 0
        if scanner.take("T") || scanner.take("t") || scanner.take(" ") {
            guard let h = scanner.digits(2), scanner.take(":"), let m = scanner.digits(2), h < 24, m < 60 else {
                return nil
            }
            (hour, minute) = (h, m)
            if scanner.take(":") {
                guard let s = scanner.digits(2), s < 61 else { return nil }
                second = min(s, 59)
                if scanner.take(".") {
                    guard let fraction = scanner.digitRun(), !fraction.isEmpty else { return nil }
                    millis = Int(String(fraction.prefix(3)).padding(to: 3)) ?? 0
                }
            }
            if scanner.take("Z") || scanner.take("z") {
            } else if let sign = scanner.sign() {
                guard let oh = scanner.digits(2) else { return nil }
                _ = scanner.take(":")
                guard let om = scanner.digits(2), oh < 24, om < 60 else { return nil }
                offsetSeconds = sign * (oh * 3600 + om * 60)
            }
        }
        guard scanner.atEnd else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let epoch = timegm(&parts)
        guard epoch != -1 || (year == 1969 && month == 12 && day == 31) else { return nil }
        return AuditInstant(seconds: Int64(epoch) - Int64(offsetSeconds), milliseconds: millis)
    }

    /// `30s`, `15m`, `2h`, `7d` before `now`.
    static func ago(_ text: String, now: AuditInstant) -> AuditInstant? {
        guard let unit = text.last, let amount = Int64(text.dropLast()), amount >= 0 else { return nil }
        let factor: Int64
        switch unit {
        case "s": factor = 1
        case "m": factor = 60
        case "h": factor = 3600
        case "d": factor = 86400
        default: return nil
        }
        let (product, overflow) = amount.multipliedReportingOverflow(by: factor)
        guard !overflow else { return nil }
        return AuditInstant(seconds: now.seconds - product, milliseconds: now.milliseconds)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }

        mutating func take(_ character: Character) -> Bool {
            guard index < bytes.count, let ascii = character.asciiValue, bytes[index] == ascii else { return false }
            index += 1
            return true
        }

        mutating func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + count] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            index += count
            return value
        }

        mutating func digitRun() -> String? {
            let start = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func sign() -> Int? {
            if take("+") { return 1 }
            if take("-") { return -1 }
            return nil
        }
    }
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: "0", count: width - count)
    }
}
