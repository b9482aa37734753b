//! A warm sandbox's one request (struct cordon_linux_warm_request in
//! cordon_linux_spawn.h): the layout both sides share and the checks
//! cordon-init makes before it execs anything. Pure: no syscalls, so the
//! library (which checks the layout against the header) and cordon-init
//! (which has no header of its own) both import it.

/// struct cordon_linux_warm_request.
pub const Header = extern struct { magic: u32, size: u32, argc: u32, envc: u32, fds_count: u32, flags: u32 };
/// struct cordon_linux_warm_reply.
pub const Reply = extern struct { step: u32, @"error": i32 };

/// CORDON_WARM_* of the header (the library checks they agree).
pub const magic: u32 = 0x4d525743;
pub const max_size: u32 = 1 << 20;
pub const max_strings: u32 = 65536;
pub const max_fds: u32 = 64;
pub const flag_cwd: u32 = 1 << 0;
/// cordon-init's exit status when a request is refused or never comes.
pub const refused: u8 = 123;
/// The highest fd number a target may name (the spawn record's bound).
const max_target: i32 = 1 << 20;

/// A decoded request: every pointer into the request's own buffer.
pub const Request = struct {
    path: [*:0]const u8,
    argv: [*:null]const ?[*:0]const u8,
    envp: [*:null]const ?[*:0]const u8,
    cwd: ?[*:0]const u8,
    targets: []align(1) const i32,
};

fn strings(h: *const Header) u64 {
    return 1 + @as(u64, h.argc) + h.envc + @intFromBool(h.flags & flag_cwd != 0);
}

/// The header's own checks, before the rest is read: `received` is how many
/// fds came with it. The size must leave room for the targets and at least
/// one byte (the NUL) per string.
pub fn checkHeader(h: *const Header, received: usize) bool {
    if (h.magic != magic or h.size > max_size or h.flags & ~flag_cwd != 0) return false;
    if (h.argc == 0 or @as(u64, h.argc) + h.envc > max_strings) return false;
    if (h.fds_count < 3 or h.fds_count > max_fds or h.fds_count != received) return false;
    return h.size >= @sizeOf(Header) + 4 * @as(u64, h.fds_count) + strings(h);
}

/// Decodes a whole request (`buf.len` = its checked size): the targets are
/// 0, 1, 2 then distinct numbers from 3 up, and the strings fill the rest
/// exactly, each NUL-terminated. `ptrs` holds argc + envc + 2 entries.
pub fn decode(buf: []const u8, ptrs: []?[*:0]const u8) ?Request {
    if (buf.len < @sizeOf(Header)) return null;
    const h: *align(1) const Header = @ptrCast(buf.ptr);
    const hdr = h.*;
    if (!checkHeader(&hdr, hdr.fds_count) or hdr.size != buf.len) return null;
    if (ptrs.len < @as(u64, hdr.argc) + hdr.envc + 2) return null;
    const targets_at = @sizeOf(Header);
    const targets: []align(1) const i32 = @as([*]align(1) const i32, @ptrCast(buf.ptr + targets_at))[0..hdr.fds_count];
    for (targets, 0..) |t, i| {
        if (i < 3) {
            if (t != @as(i32, @intCast(i))) return null;
            continue;
        }
        if (t < 3 or t > max_target) return null;
        for (targets[3..i]) |u| if (u == t) return null;
    }
    // Every string in order; the last NUL must be the buffer's last byte.
    var at: usize = targets_at + 4 * @as(usize, hdr.fds_count);
    const want = strings(&hdr);
    var found: u64 = 0;
    var path: ?[*:0]const u8 = null;
    var cwd: ?[*:0]const u8 = null;
    while (found < want) : (found += 1) {
        if (at >= buf.len) return null;
        const start = at;
        while (at < buf.len and buf[at] != 0) at += 1;
        if (at == buf.len) return null;
        at += 1;
        const s: [*:0]const u8 = @ptrCast(buf.ptr + start);
        if (found == 0) {
            path = s;
        } else if (found <= hdr.argc) {
            ptrs[found - 1] = s;
        } else if (found <= @as(u64, hdr.argc) + hdr.envc) {
            ptrs[found] = s; // after argv's null
        } else cwd = s;
    }
    if (at != buf.len) return null;
    if (path.?[0] == 0 or (cwd != null and cwd.?[0] == 0)) return null;
    ptrs[hdr.argc] = null;
    ptrs[@as(usize, hdr.argc) + hdr.envc + 1] = null;
    return .{
        .path = path.?,
        .argv = @ptrCast(ptrs.ptr),
        .envp = @ptrCast(ptrs.ptr + hdr.argc + 1),
        .cwd = cwd,
        .targets = targets,
    };
}

const std = @import("std");

/// A request as the library would encode it, for the tests.
fn encode(buf: []u8, targets: []const i32, strs: []const []const u8, argc: u32, envc: u32, flags: u32) []u8 {
    var at: usize = @sizeOf(Header) + 4 * targets.len;
    for (targets, 0..) |t, i| std.mem.writeInt(i32, buf[@sizeOf(Header) + 4 * i ..][0..4], t, .little);
    for (strs) |s| {
        @memcpy(buf[at..][0..s.len], s);
        buf[at + s.len] = 0;
        at += s.len + 1;
    }
    const h: Header = .{ .magic = magic, .size = @intCast(at), .argc = argc, .envc = envc, .fds_count = @intCast(targets.len), .flags = flags };
    @memcpy(buf[0..@sizeOf(Header)], std.mem.asBytes(&h));
    return buf[0..at];
}

test "a well-formed request decodes into path, argv, envp, cwd and targets" {
    var buf: [256]u8 align(8) = undefined;
    var ptrs: [8]?[*:0]const u8 = undefined;
    const req = encode(&buf, &.{ 0, 1, 2, 5 }, &.{ "/bin/echo", "echo", "hi", "A=1", "/tmp" }, 2, 1, flag_cwd);
    const r = decode(req, &ptrs) orelse return error.Refused;
    try std.testing.expectEqualStrings("/bin/echo", std.mem.span(r.path));
    try std.testing.expectEqualStrings("hi", std.mem.span(r.argv[1].?));
    try std.testing.expect(r.argv[2] == null);
    try std.testing.expectEqualStrings("A=1", std.mem.span(r.envp[0].?));
    try std.testing.expect(r.envp[1] == null);
    try std.testing.expectEqualStrings("/tmp", std.mem.span(r.cwd.?));
    try std.testing.expectEqual(@as(i32, 5), r.targets[3]);
}

test "malformed requests are refused" {
    var buf: [256]u8 align(8) = undefined;
    var ptrs: [8]?[*:0]const u8 = undefined;
    // Too few strings for the counts, a missing final NUL, trailing bytes.
    const ok = encode(&buf, &.{ 0, 1, 2 }, &.{ "/bin/true", "true" }, 1, 0, 0);
    try std.testing.expect(decode(ok, &ptrs) != null);
    try std.testing.expect(decode(ok[0 .. ok.len - 1], &ptrs) == null);
    var h: *align(1) Header = @ptrCast(&buf);
    h.argc = 2;
    try std.testing.expect(decode(ok, &ptrs) == null);
    h.argc = 1;
    h.magic = 0;
    try std.testing.expect(decode(ok, &ptrs) == null);
    // stdio not first, a duplicate target, too few fds, a count beyond the fds received.
    try std.testing.expect(decode(encode(&buf, &.{ 1, 0, 2 }, &.{ "/x", "x" }, 1, 0, 0), &ptrs) == null);
    try std.testing.expect(decode(encode(&buf, &.{ 0, 1, 2, 4, 4 }, &.{ "/x", "x" }, 1, 0, 0), &ptrs) == null);
    try std.testing.expect(decode(encode(&buf, &.{ 0, 1 }, &.{ "/x", "x" }, 1, 0, 0), &ptrs) == null);
    const three = encode(&buf, &.{ 0, 1, 2 }, &.{ "/x", "x" }, 1, 0, 0);
    try std.testing.expect(!checkHeader(@ptrCast(@alignCast(three.ptr)), 4));
    // An empty path, argc 0, an unknown flag.
    try std.testing.expect(decode(encode(&buf, &.{ 0, 1, 2 }, &.{ "", "x" }, 1, 0, 0), &ptrs) == null);
    try std.testing.expect(decode(encode(&buf, &.{ 0, 1, 2 }, &.{"/x"}, 0, 0, 0), &ptrs) == null);
    try std.testing.expect(decode(encode(&buf, &.{ 0, 1, 2 }, &.{ "/x", "x" }, 1, 0, 2), &ptrs) == null);
    // Fewer pointer slots than argc + envc + 2.
    try std.testing.expect(decode(encode(&buf, &.{ 0, 1, 2 }, &.{ "/x", "x", "y" }, 2, 0, 0), ptrs[0..3]) == null);
}
