//! The inside half of `cordon audit` on Windows: run in the sandbox, it tries
//! each channel of lib/audit/channels-other.ts once against the canaries the
//! keeper planted outside (keeper.zig) and prints one line per row. A call that
//! works is not yet a verdict: the audit also asks the keeper and the host what
//! arrived (pipe connections, window messages, TCP connections, registry keys,
//! files and streams).
const t = @import("../types.zig");
const k32 = @import("../kernel32.zig");
const w = @import("win.zig");
const out = @import("out.zig");

const GENERIC_READ: t.DWORD = 0x8000_0000;
const GENERIC_WRITE: t.DWORD = 0x4000_0000;
const OPEN_EXISTING: t.DWORD = 3;
const CREATE_ALWAYS: t.DWORD = 2;
const CREATE_NEW: t.DWORD = 1;
const SYNCHRONIZE: t.DWORD = 0x0010_0000;
const PROCESS_TERMINATE: t.DWORD = 0x1;
const PROCESS_VM_WRITE: t.DWORD = 0x20;

fn lastError() u32 {
    return k32.GetLastError();
}

fn opened(h: t.HANDLE) bool {
    return h != null and h != t.INVALID_HANDLE_VALUE;
}

/// CreateFileW; closes what it opened. 0 or the error.
fn createFile(path: [*:0]const u16, access: t.DWORD, disposition: t.DWORD) u32 {
    const h = k32.CreateFileW(path, access, 0x1 | 0x2 | 0x4, null, disposition, 0, null);
    if (!opened(h)) return lastError();
    _ = k32.CloseHandle(h);
    return 0;
}

fn outcome(code: u32) out.Outcome {
    return if (code == 0) .ok else .{ .failed = code };
}

pub fn run(p: out.Params) void {
    var nb: [128]u16 = undefined;
    var pb: [600]u16 = undefined;
    const n = p.nonce;

    // Named objects: the keeper's mutex in the session's namespace.
    const mutex = w.OpenMutexW(SYNCHRONIZE, 0, out.wide(&nb, &.{ "Local\\cordon-audit-", n }));
    if (mutex != null) _ = k32.CloseHandle(mutex);
    out.row("win.named-objects", if (mutex != null) .ok else .{ .failed = lastError() }, "OpenMutexW(Local\\\\cordon-audit-NONCE)", "");

    // Named pipes: the keeper's server counts each connection.
    out.row("win.named-pipes", outcome(createFile(out.wide(&nb, &.{ "\\\\.\\pipe\\cordon-audit-", n }), GENERIC_READ | GENERIC_WRITE, OPEN_EXISTING)), "CreateFileW(\\\\\\\\.\\\\pipe\\\\cordon-audit-NONCE)", "");

    // RPC: the endpoint mapper's named pipe, through which RPC and COM servers are found.
    const rpc = createFile(out.wide(&nb, &.{"\\\\.\\pipe\\epmapper"}), GENERIC_READ | GENERIC_WRITE, OPEN_EXISTING);
    if (rpc == 2) out.row("win.alpc-rpc", .absent, "CreateFileW(\\\\\\\\.\\\\pipe\\\\epmapper)", "no endpoint mapper pipe on this host") else out.row("win.alpc-rpc", outcome(rpc), "CreateFileW(\\\\\\\\.\\\\pipe\\\\epmapper)", "");

    // HKCU: a key the keeper looks for and deletes.
    var key: w.HKEY = null;
    var rc: i32 = w.RegCreateKeyExW(w.HKEY_CURRENT_USER, out.wide(&nb, &.{ "Software\\cordon-audit-", n }), 0, null, 0, w.KEY_WRITE, null, &key, null);
    if (rc == 0) {
        const value = [_]u8{ 'x', 0 };
        rc = w.RegSetValueExW(key, null, 0, w.REG_SZ, &value, value.len);
        _ = w.RegCloseKey(key);
    }
    out.row("win.registry.hkcu", outcome(@bitCast(rc)), "RegCreateKeyExW(HKCU\\\\Software\\\\cordon-audit-NONCE)", "");

    // HKLM: machine configuration readable by every user by default.
    rc = w.RegOpenKeyExW(w.HKEY_LOCAL_MACHINE, out.wide(&nb, &.{"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"}), 0, w.KEY_READ, &key);
    if (rc == 0) {
        var size: t.DWORD = 0;
        rc = w.RegQueryValueExW(key, out.wide(&pb, &.{"ProductName"}), null, null, null, &size);
        _ = w.RegCloseKey(key);
    }
    out.row("win.registry.hklm", outcome(@bitCast(rc)), "RegQueryValueExW(HKLM\\\\...\\\\CurrentVersion, ProductName)", "");

    clipboard(n);
    windowMessage(n, &nb);

    // Global atoms: the keeper added one to the session's table.
    const atom = w.GlobalFindAtomW(out.wide(&nb, &.{ "cordon-audit-", n }));
    out.row("win.global-atoms", if (atom != 0) .ok else .{ .failed = lastError() }, "GlobalFindAtomW(cordon-audit-NONCE)", "");

    streams(p, &nb, &pb);

    // The caller's own temp directory: the host looks for the file and removes it.
    var name_buf: [64]u8 = undefined;
    const temp_file = out.join(&pb, p.caller_temp, concat(&name_buf, "\\cordon-audit-", n));
    out.row("win.temp.shared", if (temp_file) |q| outcome(createFile(q, GENERIC_WRITE, CREATE_NEW)) else .{ .failed = 206 }, "CreateFileW(caller's %TEMP%\\\\cordon-audit-NONCE)", "");

    const scm = w.OpenSCManagerW(null, null, w.SC_MANAGER_CREATE_SERVICE);
    if (scm != null) _ = w.CloseServiceHandle(scm);
    out.row("win.services.tasks", if (scm != null) .ok else .{ .failed = lastError() }, "OpenSCManagerW(SC_MANAGER_CREATE_SERVICE)", "");

    network(p.port);

    var cred: *w.CREDENTIALW = undefined;
    if (w.CredReadW(out.wide(&nb, &.{ "cordon-audit-", n }), w.CRED_TYPE_GENERIC, 0, &cred) != 0) {
        w.CredFree(cred);
        out.row("win.credentials", .ok, "CredReadW(cordon-audit-NONCE)", "the keeper's credential was read");
    } else out.row("win.credentials", .{ .failed = lastError() }, "CredReadW(cordon-audit-NONCE)", "");

    const proc = k32.OpenProcess(PROCESS_TERMINATE | PROCESS_VM_WRITE, 0, p.pid);
    if (proc != null) _ = k32.CloseHandle(proc);
    out.row("win.processes", if (proc != null) .ok else .{ .failed = lastError() }, "OpenProcess(PROCESS_TERMINATE | PROCESS_VM_WRITE, keeper)", "");

    out.line("{\"done\":true}\n");
}

fn concat(buf: []u8, a: []const u8, b: []const u8) []const u8 {
    @memcpy(buf[0..a.len], a);
    @memcpy(buf[a.len..][0..b.len], b);
    return buf[0 .. a.len + b.len];
}

/// The clipboard: the keeper put the nonce there (where it could).
fn clipboard(n: []const u8) void {
    if (w.OpenClipboard(null) == 0) return out.row("win.clipboard", .{ .failed = lastError() }, "OpenClipboard", "");
    defer _ = w.CloseClipboard();
    k32.SetLastError(0);
    const data = w.GetClipboardData(w.CF_UNICODETEXT);
    // No text and no error: the clipboard answered, it is empty.
    if (data == null and lastError() == 0) return out.row("win.clipboard", .ok, "GetClipboardData(CF_UNICODETEXT)", "read it: empty");
    if (data == null) return out.row("win.clipboard", .{ .failed = lastError() }, "GetClipboardData(CF_UNICODETEXT)", "");
    const text: ?[*]const u16 = @ptrCast(@alignCast(w.GlobalLock(data)));
    defer _ = w.GlobalUnlock(data);
    var same = text != null;
    if (text) |s| {
        // Stops at the first difference, so a shorter text is never read past its NUL.
        var i: usize = 0;
        for ([_][]const u8{ "cordon-audit-", n }) |part| for (part) |c| {
            if (!same) break;
            same = s[i] == c;
            i += 1;
        };
        same = same and s[i] == 0;
    }
    out.row("win.clipboard", .ok, "GetClipboardData(CF_UNICODETEXT)", if (same) "the keeper's text was read" else "read another text than the keeper's");
}

/// Window messages: the keeper's hidden window counts what it receives.
fn windowMessage(n: []const u8, nb: []u16) void {
    k32.SetLastError(0);
    const hwnd = w.FindWindowW(out.wide(nb, &.{ "cordon-audit-", n }), null);
    // Not found sets no error of its own.
    if (hwnd == null) return out.row("win.window-messages", .{ .failed = if (lastError() == 0) 2 else lastError() }, "FindWindowW(cordon-audit-NONCE)", "the keeper's window is not visible");
    var result: usize = 0;
    if (w.SendMessageTimeoutW(hwnd, w.WM_APP + 1, 0, 0, w.SMTO_ABORTIFHUNG, 2000, &result) == 0) return out.row("win.window-messages", .{ .failed = lastError() }, "SendMessageTimeoutW(WM_APP+1)", "");
    out.row("win.window-messages", .ok, "SendMessageTimeoutW(WM_APP+1)", "");
}

/// Alternate data streams: first on a file of its own (whether the file
/// system has them at all), then on the read-only granted canary file.
fn streams(p: out.Params, nb: []u16, pb: []u16) void {
    var tb: [600]u16 = undefined;
    const tmp = out.env(out.wide(nb, &.{"TMP"}), &tb) orelse return out.row("win.ads", .{ .failed = 203 }, "GetEnvironmentVariableW(TMP)", "");
    const own = out.join(pb, tmp, "\\cordon-ads-control:s") orelse return;
    const control = createFile(own, GENERIC_WRITE, CREATE_ALWAYS);
    if (control != 0) return out.row("win.ads", .absent, "CreateFileW(own file:stream)", "this file system has no alternate data streams");
    // A stream is no entry of its directory; a file system without streams lists "name:s" as a file of its own.
    var find: t.WIN32_FIND_DATAW = undefined;
    const listed = k32.FindFirstFileW(out.join(pb, tmp, "\\cordon-ads-control?s") orelse return, &find);
    if (opened(listed)) {
        _ = k32.FindClose(listed);
        return out.row("win.ads", .absent, "FindFirstFileW(own file?s)", "no alternate data streams here: a name with a colon became a file of its own");
    }
    var name_buf: [64]u8 = undefined;
    const target = out.join(pb, p.ro_file, concat(&name_buf, ":cordon-audit-", p.nonce)) orelse return;
    out.row("win.ads", outcome(createFile(target, GENERIC_WRITE, CREATE_ALWAYS)), "CreateFileW(read-only granted file:cordon-audit-NONCE)", "");
}

/// TCP to the keeper's listener on loopback; the keeper counts what it accepts.
fn network(port: u16) void {
    var data: w.WSADATA = undefined;
    if (w.WSAStartup(0x0202, &data) != 0) return out.row("win.network", .{ .failed = @intCast(w.WSAGetLastError()) }, "WSAStartup", "");
    const s = w.socket(w.AF_INET, w.SOCK_STREAM, 6);
    if (s == w.INVALID_SOCKET) return out.row("win.network", .{ .failed = @intCast(w.WSAGetLastError()) }, "socket(AF_INET, SOCK_STREAM)", "");
    defer _ = w.closesocket(s);
    // Non-blocking with a deadline: a dropped SYN would otherwise hold the probe for ~20 s.
    var on: u32 = 1;
    _ = w.ioctlsocket(s, w.FIONBIO, &on);
    const addr = w.sockaddr_in{ .port = @byteSwap(port), .addr = @byteSwap(@as(u32, 0x7F00_0001)) };
    const call = "connect(127.0.0.1, keeper's port)";
    if (w.connect(s, &addr, @sizeOf(w.sockaddr_in)) != 0) {
        const e = w.WSAGetLastError();
        if (e != w.WSAEWOULDBLOCK) return out.row("win.network", .{ .failed = @intCast(e) }, call, "");
        var writable = w.fd_set{ .fd_count = 1, .fd_array = undefined };
        writable.fd_array[0] = s;
        var failed = writable;
        const deadline = w.timeval{ .tv_sec = 5, .tv_usec = 0 };
        const ready = w.select(0, null, &writable, &failed, &deadline);
        if (ready == 0) return out.row("win.network", .{ .failed = 10060 }, call, "no answer within 5 s");
        if (failed.fd_count != 0 or writable.fd_count == 0) {
            var err: i32 = 0;
            var len: i32 = @sizeOf(i32);
            _ = w.getsockopt(s, w.SOL_SOCKET, w.SO_ERROR, @ptrCast(&err), &len);
            return out.row("win.network", .{ .failed = @intCast(err) }, call, "");
        }
    }
    out.row("win.network", .ok, call, "");
}
