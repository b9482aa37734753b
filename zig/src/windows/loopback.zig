//! The firewall's AppContainer loopback exemption (FirewallAPI.dll): an
//! AppContainer reaches loopback only when its package SID is on this list,
//! and host grants' proxy listens on loopback. The list is global and is
//! written whole, so each change reads it first and keeps every other entry.
//! MinGW ships no import library for FirewallAPI.dll on x64 or arm64: the two
//! functions are looked up at run time, from System32 only.
const abi = @import("../abi.zig");
const t = @import("types.zig");
const k32 = @import("kernel32.zig");
const adv = @import("advapi32.zig");
const sid_mod = @import("sid.zig");

const LOAD_LIBRARY_SEARCH_SYSTEM32: u32 = 0x800;
const HEAP_ZERO_MEMORY: u32 = 0x8;

const GetConfig = *const fn (count: *u32, sids: *?[*]t.SID_AND_ATTRIBUTES) callconv(.winapi) u32;
const SetConfig = *const fn (count: u32, sids: ?[*]t.SID_AND_ATTRIBUTES) callconv(.winapi) u32;

const Api = struct { get: GetConfig, set: SetConfig };

fn win32(rc: u32) abi.Status {
    if (rc == 0) return 0;
    return -@as(abi.Status, @intCast(rc & 0x7FFF_FFFF));
}

fn api() ?Api {
    const name = [_:0]u16{ 'F', 'i', 'r', 'e', 'w', 'a', 'l', 'l', 'A', 'P', 'I', '.', 'd', 'l', 'l' };
    const lib = k32.LoadLibraryExW(&name, null, LOAD_LIBRARY_SEARCH_SYSTEM32);
    if (lib == null) return null;
    const get = k32.GetProcAddress(lib, "NetworkIsolationGetAppContainerConfig") orelse return null;
    const set = k32.GetProcAddress(lib, "NetworkIsolationSetAppContainerConfig") orelse return null;
    return .{ .get = @ptrCast(@alignCast(get)), .set = @ptrCast(@alignCast(set)) };
}

/// The list as NetworkIsolationGetAppContainerConfig returns it: each SID
/// and the array itself on the process heap (freed by `free`).
const List = struct {
    items: []t.SID_AND_ATTRIBUTES,

    fn read(a: Api) union(enum) { ok: List, err: abi.Status } {
        var n: u32 = 0;
        var p: ?[*]t.SID_AND_ATTRIBUTES = null;
        const rc = a.get(&n, &p);
        if (rc != 0) return .{ .err = win32(rc) };
        return .{ .ok = .{ .items = if (p) |q| q[0..n] else &.{} } };
    }

    fn free(self: List) void {
        const heap = k32.GetProcessHeap();
        for (self.items) |e| _ = k32.HeapFree(heap, 0, e.Sid);
        if (self.items.len > 0) _ = k32.HeapFree(heap, 0, @ptrCast(self.items.ptr));
    }
};

/// Writes `keep` (entries of `list` not equal to `drop`) plus `add` when given.
fn write(a: Api, list: List, drop: t.PSID, add: ?t.PSID) abi.Status {
    const heap = k32.GetProcessHeap();
    const bytes = (list.items.len + 1) * @sizeOf(t.SID_AND_ATTRIBUTES);
    const raw = k32.HeapAlloc(heap, HEAP_ZERO_MEMORY, bytes) orelse return abi.Error.buffer_too_small.status();
    defer _ = k32.HeapFree(heap, 0, raw);
    const out: [*]t.SID_AND_ATTRIBUTES = @ptrCast(@alignCast(raw));
    var n: u32 = 0;
    for (list.items) |e| {
        if (adv.EqualSid(e.Sid, drop) != 0) continue;
        out[n] = .{ .Sid = e.Sid, .Attributes = 0 };
        n += 1;
    }
    if (add) |s| {
        out[n] = .{ .Sid = s, .Attributes = 0 };
        n += 1;
    }
    return win32(a.set(n, out));
}

fn count(list: List, sid: t.PSID) i32 {
    var n: i32 = 0;
    for (list.items) |e| n += @intFromBool(adv.EqualSid(e.Sid, sid) != 0);
    return n;
}

/// Reads the list and hands it to `op` with the caller's SID; frees it after.
fn withList(bytes: []const u8, comptime op: fn (Api, List, t.PSID) abi.Status) abi.Status {
    const sid = sid_mod.borrowed(bytes) orelse return abi.Error.invalid_argument.status();
    const a = api() orelse return @import("status.zig").lastError();
    const list = switch (List.read(a)) {
        .ok => |l| l,
        .err => |e| return e,
    };
    defer list.free();
    return op(a, list, sid);
}

fn addTo(a: Api, list: List, sid: t.PSID) abi.Status {
    if (count(list, sid) > 0) return 1;
    const rc = write(a, list, sid, sid);
    return if (rc < 0) rc else 0;
}

fn removeFrom(a: Api, list: List, sid: t.PSID) abi.Status {
    const n = count(list, sid);
    if (n == 0) return 0;
    const rc = write(a, list, sid, null);
    return if (rc < 0) rc else n;
}

/// 1: already listed (nothing written); 0: added.
pub fn exempt(bytes: []const u8) abi.Status {
    return withList(bytes, addTo);
}

/// How many entries equal to the SID were removed; the list is written only when there were some.
pub fn unexempt(bytes: []const u8) abi.Status {
    return withList(bytes, removeFrom);
}
