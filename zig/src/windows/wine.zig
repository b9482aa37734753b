//! Wine detection: Wine's ntdll exports wine_get_version, Windows' does not.
//! Looked up at run time so the library loads on both.
const abi = @import("../abi.zig");
const k32 = @import("kernel32.zig");

const ntdll_name = [_:0]u16{ 'n', 't', 'd', 'l', 'l', '.', 'd', 'l', 'l' };

/// Writes Wine's version (ASCII) into `buf`; returns its length, or 0 on Windows.
pub fn version(buf: []u8) abi.Status {
    const ntdll = k32.GetModuleHandleW(&ntdll_name) orelse return 0;
    const sym = k32.GetProcAddress(ntdll, "wine_get_version") orelse return 0;
    const get: *const fn () callconv(.c) [*:0]const u8 = @ptrCast(@alignCast(sym));
    const text = get();
    var n: usize = 0;
    while (text[n] != 0) n += 1;
    return abi.copyOut(text[0..n], buf.ptr, buf.len);
}
