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

const DUPLICATE_SAME_ACCESS: t.DWORD = 0x2;
const GENERIC_READ: t.DWORD = 0x8000_0000;
const GENERIC_WRITE: t.DWORD = 0x4000_0000;
const FILE_SHARE_READ_WRITE: t.DWORD = 0x1 | 0x2;
const OPEN_EXISTING: t.DWORD = 3;

/// An inheritable duplicate of this process's standard handle `which`
/// (0 input, 1 output, 2 error), so a child can be given it in a handle list
/// without marking cordon's own handle inheritable for every other spawn.
/// Writes 0 when this process has none (no console, closed).
pub fn stdDuplicate(which: u32, out: *align(1) u64) abi.Status {
    if (which > 2) return abi.Error.invalid_argument.status();
    // STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE: (DWORD)-10, -11, -12.
    const id: t.DWORD = 0xFFFF_FFF6 - which;
    const h = k32.GetStdHandle(id);
    if (h == t.INVALID_HANDLE_VALUE) return st.lastError();
    if (h == null) {
        out.* = 0;
        return 0;
    }
    var dup: t.HANDLE = null;
    const self = k32.GetCurrentProcess();
    if (k32.DuplicateHandle(self, h, self, &dup, 0, 1, DUPLICATE_SAME_ACCESS) == 0) return st.lastError();
    out.* = t.handleBits(dup);
    return 0;
}

/// The NUL device, readable and writable, inheritable: a child's "ignore" stdio.
pub fn openNull(out: *align(1) u64) abi.Status {
    const name = [_:0]u16{ 'N', 'U', 'L' };
    var sa = t.SECURITY_ATTRIBUTES{ .nLength = @sizeOf(t.SECURITY_ATTRIBUTES), .lpSecurityDescriptor = null, .bInheritHandle = 1 };
    const h = k32.CreateFileW(&name, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ_WRITE, &sa, OPEN_EXISTING, 0, null);
    if (h == t.INVALID_HANDLE_VALUE or h == null) return st.lastError();
    out.* = t.handleBits(h);
    return 0;
}
