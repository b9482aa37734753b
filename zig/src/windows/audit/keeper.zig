//! The outside half of `cordon audit` on Windows: run as the caller, outside
//! any sandbox, it plants the canaries the inside probe reaches for — a named
//! mutex, a named pipe server, a hidden window, a global atom, a generic
//! credential, a TCP listener on loopback, the clipboard's text where there is
//! a window to own it — and counts what arrives. stdin: "counts" prints the
//! counters (and removes the probe's registry key, counting it); "quit" or
//! the end of stdin removes every canary and exits.
const std = @import("std");
const t = @import("../types.zig");
const k32 = @import("../kernel32.zig");
const w = @import("win.zig");
const out = @import("out.zig");

var pipe_connections: u32 = 0;
var window_messages: u32 = 0;
var tcp_connections: u32 = 0;

var nonce_buf: [64]u8 = undefined;
var nonce: []const u8 = "";
var pipe_name: [128]u16 = undefined;
var listener: w.SOCKET = w.INVALID_SOCKET;
var window: w.HWND = null;
var saved_clip: [16384]u16 = undefined;
var saved_clip_len: ?usize = null;
var clip_planted = false;

fn bump(counter: *u32) void {
    _ = @atomicRmw(u32, counter, .Add, 1, .monotonic);
}

fn pipeLoop(_: ?*anyopaque) callconv(.winapi) t.DWORD {
    const PIPE_ACCESS_DUPLEX: t.DWORD = 0x3;
    const PIPE_REJECT_REMOTE_CLIENTS: t.DWORD = 0x8;
    const ERROR_PIPE_CONNECTED: t.DWORD = 535;
    while (true) {
        // Default security: the DACL of the keeper's own token.
        const h = w.CreateNamedPipeW(@ptrCast(&pipe_name), PIPE_ACCESS_DUPLEX, PIPE_REJECT_REMOTE_CLIENTS, 255, 512, 512, 0, null);
        if (h == t.INVALID_HANDLE_VALUE or h == null) return 1;
        if (w.ConnectNamedPipe(h, null) != 0 or k32.GetLastError() == ERROR_PIPE_CONNECTED) bump(&pipe_connections);
        _ = w.DisconnectNamedPipe(h);
        _ = k32.CloseHandle(h);
    }
}

fn tcpLoop(_: ?*anyopaque) callconv(.winapi) t.DWORD {
    while (true) {
        const c = w.accept(listener, null, null);
        if (c == w.INVALID_SOCKET) return 1;
        bump(&tcp_connections);
        _ = w.closesocket(c);
    }
}

fn windowProc(hwnd: w.HWND, msg: u32, wp: usize, lp: isize) callconv(.winapi) isize {
    if (msg == w.WM_APP + 1) {
        bump(&window_messages);
        return 1;
    }
    return w.DefWindowProcW(hwnd, msg, wp, lp);
}

/// The clipboard's text, kept to be put back; then the nonce in its place.
fn plantClipboard() bool {
    if (window == null or w.OpenClipboard(window) == 0) return false;
    defer _ = w.CloseClipboard();
    const data = w.GetClipboardData(w.CF_UNICODETEXT);
    if (data != null) {
        if (@as(?[*:0]const u16, @ptrCast(@alignCast(w.GlobalLock(data))))) |text| {
            const len = std.mem.len(text);
            if (len < saved_clip.len) {
                @memcpy(saved_clip[0..len], text[0..len]);
                saved_clip_len = len;
            }
            _ = w.GlobalUnlock(data);
        }
    }
    var buf: [96]u16 = undefined;
    return setClipboard(out.wide(&buf, &.{ "cordon-audit-", nonce }));
}

fn setClipboard(text: []const u16) bool {
    if (w.EmptyClipboard() == 0) return false;
    const GMEM_MOVEABLE: u32 = 0x2;
    const mem = w.GlobalAlloc(GMEM_MOVEABLE, (text.len + 1) * 2);
    if (mem == null) return false;
    const dst: [*]u16 = @ptrCast(@alignCast(w.GlobalLock(mem) orelse return false));
    @memcpy(dst[0..text.len], text);
    dst[text.len] = 0;
    _ = w.GlobalUnlock(mem);
    return w.SetClipboardData(w.CF_UNICODETEXT, mem) != null;
}

fn restoreClipboard() void {
    if (!clip_planted or w.OpenClipboard(window) == 0) return;
    defer _ = w.CloseClipboard();
    if (saved_clip_len) |len| _ = setClipboard(saved_clip[0..len]) else _ = w.EmptyClipboard();
}

/// The probe's HKCU key: 1 when it is there (it is removed then).
fn takeRegistryKey() u32 {
    var buf: [96]u16 = undefined;
    const path = out.wide(&buf, &.{ "Software\\cordon-audit-", nonce });
    var key: w.HKEY = null;
    if (w.RegOpenKeyExW(w.HKEY_CURRENT_USER, path, 0, w.KEY_READ, &key) != 0) return 0;
    _ = w.RegCloseKey(key);
    _ = w.RegDeleteKeyW(w.HKEY_CURRENT_USER, path);
    return 1;
}

fn cleanupAndExit() noreturn {
    var buf: [96]u16 = undefined;
    _ = w.CredDeleteW(out.wide(&buf, &.{ "cordon-audit-", nonce }), w.CRED_TYPE_GENERIC, 0);
    _ = takeRegistryKey();
    restoreClipboard();
    w.ExitProcess(0);
}

fn stdinLoop(_: ?*anyopaque) callconv(.winapi) t.DWORD {
    const STD_INPUT_HANDLE: t.DWORD = 0xFFFF_FFF6;
    const in = k32.GetStdHandle(STD_INPUT_HANDLE);
    var buf: [256]u8 = undefined;
    var len: usize = 0;
    while (true) {
        var n: t.DWORD = 0;
        if (k32.ReadFile(in, buf[len..].ptr, @intCast(buf.len - len), &n, null) == 0 or n == 0) cleanupAndExit();
        len += n;
        while (std.mem.indexOfScalar(u8, buf[0..len], '\n')) |end| {
            const cmd = std.mem.trim(u8, buf[0..end], " \r");
            if (std.mem.eql(u8, cmd, "quit")) cleanupAndExit();
            if (std.mem.eql(u8, cmd, "counts")) {
                var text: [256]u8 = undefined;
                const line = std.fmt.bufPrint(&text, "{{\"pipe\":{d},\"message\":{d},\"tcp\":{d},\"registry\":{d}}}\n", .{
                    @atomicLoad(u32, &pipe_connections, .monotonic),
                    @atomicLoad(u32, &window_messages, .monotonic),
                    @atomicLoad(u32, &tcp_connections, .monotonic),
                    takeRegistryKey(),
                }) catch unreachable;
                out.line(line);
            }
            std.mem.copyForwards(u8, buf[0 .. len - end - 1], buf[end + 1 .. len]);
            len -= end + 1;
        }
        if (len == buf.len) len = 0;
    }
}

pub fn run(given: []const u8) u8 {
    if (given.len == 0 or given.len > nonce_buf.len) return 2;
    @memcpy(nonce_buf[0..given.len], given);
    nonce = nonce_buf[0..given.len];
    var nb: [96]u16 = undefined;

    const mutex = w.CreateMutexW(null, 0, out.wide(&nb, &.{ "Local\\cordon-audit-", nonce }));
    _ = w.GlobalAddAtomW(out.wide(&nb, &.{ "cordon-audit-", nonce }));
    var blob = [_]u8{ 'c', 'o', 'r', 'd', 'o', 'n' };
    var target: [96]u16 = undefined;
    const cred = w.CREDENTIALW{ .Type = w.CRED_TYPE_GENERIC, .TargetName = out.wide(&target, &.{ "cordon-audit-", nonce }), .CredentialBlobSize = blob.len, .CredentialBlob = &blob, .Persist = w.CRED_PERSIST_SESSION };
    const cred_ok = w.CredWriteW(&cred, 0) != 0;

    var data: w.WSADATA = undefined;
    var port: u16 = 0;
    if (w.WSAStartup(0x0202, &data) == 0) {
        listener = w.socket(w.AF_INET, w.SOCK_STREAM, 6);
        var addr = w.sockaddr_in{ .port = 0, .addr = @byteSwap(@as(u32, 0x7F00_0001)) };
        var len: i32 = @sizeOf(w.sockaddr_in);
        if (listener != w.INVALID_SOCKET and w.bind(listener, &addr, len) == 0 and w.listen(listener, 16) == 0 and w.getsockname(listener, &addr, &len) == 0) {
            port = @byteSwap(addr.port);
            _ = w.CreateThread(null, 0, tcpLoop, null, 0, null);
        }
    }
    _ = out.wide(&pipe_name, &.{ "\\\\.\\pipe\\cordon-audit-", nonce });
    _ = w.CreateThread(null, 0, pipeLoop, null, 0, null);

    const class = w.WNDCLASSW{ .lpfnWndProc = windowProc, .lpszClassName = out.wide(&nb, &.{ "cordon-audit-", nonce }) };
    if (w.RegisterClassW(&class) != 0) window = w.CreateWindowExW(0, class.lpszClassName, null, 0, 0, 0, 0, 0, null, null, null, null);
    clip_planted = plantClipboard();

    var text: [256]u8 = undefined;
    out.line(std.fmt.bufPrint(&text, "{{\"ready\":true,\"pid\":{d},\"tcpPort\":{d},\"mutex\":{},\"window\":{},\"clipboard\":{},\"credential\":{}}}\n", .{
        w.GetCurrentProcessId(), port, mutex != null, window != null, clip_planted, cred_ok,
    }) catch unreachable);

    _ = w.CreateThread(null, 0, stdinLoop, null, 0, null);
    // The window's messages are delivered on the thread that made it.
    var msg: w.MSG = undefined;
    if (window != null) {
        while (w.GetMessageW(&msg, null, 0, 0) > 0) _ = w.DispatchMessageW(&msg);
    }
    while (true) k32.Sleep(1000);
}
