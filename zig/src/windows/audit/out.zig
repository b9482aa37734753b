//! The probe's output: one JSON line per row on stdout, in the shape the
//! audit's verdicts read (lib/audit/verdict.ts InsideResult), and the UTF-16
//! names it builds from the run's nonce.
const std = @import("std");
const t = @import("../types.zig");
const k32 = @import("../kernel32.zig");
const w = @import("win.zig");

const STD_OUTPUT_HANDLE: t.DWORD = 0xFFFF_FFF5;

pub fn line(text: []const u8) void {
    const out = k32.GetStdHandle(STD_OUTPUT_HANDLE);
    var written: t.DWORD = 0;
    _ = k32.WriteFile(out, text.ptr, @intCast(text.len), &written, null);
}

/// Win32 and Winsock codes by the names the channel lists use.
pub fn errorName(code: u32, buf: []u8) []const u8 {
    return switch (code) {
        2 => "ERROR_FILE_NOT_FOUND",
        3 => "ERROR_PATH_NOT_FOUND",
        5 => "ERROR_ACCESS_DENIED",
        6 => "ERROR_INVALID_HANDLE",
        50 => "ERROR_NOT_SUPPORTED",
        87 => "ERROR_INVALID_PARAMETER",
        123 => "ERROR_INVALID_NAME",
        231 => "ERROR_PIPE_BUSY",
        1168 => "ERROR_NOT_FOUND",
        1400 => "ERROR_INVALID_WINDOW_HANDLE",
        1460 => "ERROR_TIMEOUT",
        10013 => "WSAEACCES",
        10060 => "WSAETIMEDOUT",
        10061 => "WSAECONNREFUSED",
        10065 => "WSAEHOSTUNREACH",
        else => std.fmt.bufPrint(buf, "ERROR_{d}", .{code}) catch "ERROR",
    };
}

/// `ok`: the call worked (reachable); `failed`: it failed with `code`; `absent`: the channel is not there to test.
pub const Outcome = union(enum) { ok, failed: u32, absent };

pub fn row(id: []const u8, outcome: Outcome, call: []const u8, detail: []const u8) void {
    var buf: [1024]u8 = undefined;
    var name_buf: [32]u8 = undefined;
    const text = switch (outcome) {
        .ok => std.fmt.bufPrint(&buf, "{{\"id\":\"{s}\",\"ok\":true,\"call\":\"{s}\",\"errno\":null,\"detail\":\"{s}\"}}\n", .{ id, call, detail }),
        .failed => |code| std.fmt.bufPrint(&buf, "{{\"id\":\"{s}\",\"ok\":false,\"call\":\"{s}\",\"errno\":\"{s}\",\"detail\":\"{s}\"}}\n", .{ id, call, errorName(code, &name_buf), detail }),
        .absent => std.fmt.bufPrint(&buf, "{{\"id\":\"{s}\",\"ok\":null,\"call\":\"{s}\",\"errno\":null,\"detail\":\"{s}\"}}\n", .{ id, call, detail }),
    } catch return;
    line(text);
}

/// ASCII `parts` joined into a NUL-terminated UTF-16 string in `buf`.
pub fn wide(buf: []u16, parts: []const []const u8) [:0]u16 {
    var n: usize = 0;
    for (parts) |p| for (p) |c| {
        if (n + 1 >= buf.len) break;
        buf[n] = c;
        n += 1;
    };
    buf[n] = 0;
    return buf[0..n :0];
}

/// A UTF-16 environment variable (without its NUL) in `buf`, or null.
pub fn env(name: [*:0]const u16, buf: []u16) ?[]u16 {
    const n = w.GetEnvironmentVariableW(name, buf.ptr, @intCast(buf.len));
    if (n == 0 or n >= buf.len) return null;
    return buf[0..n];
}

/// The fields of CORDON_AUDIT ("nonce;keeper pid;tcp port;read-only file;caller's temp"), split on ';'.
pub const Params = struct {
    nonce: []const u8,
    pid: u32,
    port: u16,
    ro_file: []const u16,
    caller_temp: []const u16,
};

pub fn params(wbuf: []u16, abuf: []u8) ?Params {
    const name = std.unicode.utf8ToUtf16LeStringLiteral("CORDON_AUDIT");
    const v = env(name, wbuf) orelse return null;
    var fields: [5][]u16 = undefined;
    var count: usize = 0;
    var start: usize = 0;
    for (v, 0..) |c, i| {
        if (c == ';' and count < 4) {
            fields[count] = v[start..i];
            count += 1;
            start = i + 1;
        }
    }
    fields[count] = v[start..];
    if (count != 4 or fields[0].len > abuf.len) return null;
    for (fields[0], 0..) |c, i| abuf[i] = @truncate(c);
    return .{
        .nonce = abuf[0..fields[0].len],
        .pid = number(u32, fields[1]) orelse return null,
        .port = number(u16, fields[2]) orelse return null,
        .ro_file = fields[3],
        .caller_temp = fields[4],
    };
}

fn number(comptime T: type, s: []const u16) ?T {
    var v: T = 0;
    if (s.len == 0) return null;
    for (s) |c| {
        if (c < '0' or c > '9') return null;
        v = std.math.mul(T, v, 10) catch return null;
        v = std.math.add(T, v, @intCast(c - '0')) catch return null;
    }
    return v;
}

/// `a` (UTF-16) followed by ASCII `suffix`, NUL-terminated, in `buf`.
pub fn join(buf: []u16, a: []const u16, suffix: []const u8) ?[:0]u16 {
    if (a.len + suffix.len + 1 > buf.len) return null;
    @memcpy(buf[0..a.len], a);
    for (suffix, 0..) |c, i| buf[a.len + i] = c;
    buf[a.len + suffix.len] = 0;
    return buf[0 .. a.len + suffix.len :0];
}
