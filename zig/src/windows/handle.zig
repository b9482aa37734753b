//! Handles and anonymous pipes: what the child's stdio and inherited
//! handles are made of.
const abi = @import("../abi.zig");
const t = @import("types.zig");
const k32 = @import("kernel32.zig");
const st = @import("status.zig");

/// HANDLE_FLAG_* bits of a handle (GetHandleInformation).
pub fn flags(h: t.HANDLE) abi.Status {
    var f: t.DWORD = 0;
    if (k32.GetHandleInformation(h, &f) == 0) return st.lastError();
    return @intCast(f & 0x7FFF_FFFF);
}

pub fn setInherit(h: t.HANDLE, inherit: bool) abi.Status {
    return st.fromBool(k32.SetHandleInformation(h, t.HANDLE_FLAG_INHERIT, if (inherit) t.HANDLE_FLAG_INHERIT else 0));
}

/// Both ends start non-inheritable; the caller marks the end it hands out.
pub fn pipe(read_out: *align(1) u64, write_out: *align(1) u64) abi.Status {
    var r: t.HANDLE = null;
    var w: t.HANDLE = null;
    if (k32.CreatePipe(&r, &w, null, 0) == 0) return st.lastError();
    read_out.* = t.handleBits(r);
    write_out.* = t.handleBits(w);
    return 0;
}

/// Blocking read; 0 at end of stream (every write end closed).
pub fn read(h: t.HANDLE, buf: []u8) abi.Status {
    var n: t.DWORD = 0;
    const len: u32 = @intCast(@min(buf.len, 0x7FFF_FFFF));
    if (k32.ReadFile(h, buf.ptr, len, &n, null) == 0) {
        if (k32.GetLastError() == t.ERROR_BROKEN_PIPE) return 0;
        return st.lastError();
    }
    return @intCast(n);
}

pub fn write(h: t.HANDLE, buf: []const u8) abi.Status {
    var n: t.DWORD = 0;
    const len: u32 = @intCast(@min(buf.len, 0x7FFF_FFFF));
    if (k32.WriteFile(h, buf.ptr, len, &n, null) == 0) return st.lastError();
    return @intCast(n);
}

/// Bytes waiting in a pipe, without blocking; -ERROR_BROKEN_PIPE once every
/// write end is closed and nothing is left to read.
pub fn peek(h: t.HANDLE) abi.Status {
    var avail: t.DWORD = 0;
    if (k32.PeekNamedPipe(h, null, 0, null, &avail, null) == 0) return st.lastError();
    return @intCast(@min(avail, 0x7FFF_FFFF));
}
