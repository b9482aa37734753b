//! Impersonation (the Windows counterpart of setreuid): the parent-side steps
//! that must act as the sandbox's account — checking what it may open,
//! creating its directories — run on the calling thread as that account and
//! revert before returning, on every path. Impersonation belongs to the thread:
//! Bun calls into this library on its JavaScript thread, so it is entered and
//! left inside one call and never outlives it.
const abi = @import("../abi.zig");
const t = @import("types.zig");
const k32 = @import("kernel32.zig");
const adv = @import("advapi32.zig");
const st = @import("status.zig");
const acl = @import("acl.zig");

const TOKEN_QUERY: u32 = 0x8;
const TOKEN_DUPLICATE: u32 = 0x2;
const TokenImpersonationLevel: i32 = 9;
/// SECURITY_IMPERSONATION_LEVEL: below Impersonation the thread may identify
/// as the account but not open objects as it.
pub const SecurityImpersonation: u32 = 2;

/// Runs `step(ctx)` on this thread as `token` and reverts to the process's own
/// identity afterwards, whatever `step` returned. `level_out` receives the
/// impersonation level the thread got (Windows grants only Identification
/// when the caller lacks SeImpersonatePrivilege for another account's token);
/// below SecurityImpersonation the step does not run.
pub fn asAccount(token: t.HANDLE, level_out: *u32, ctx: anytype, comptime step: fn (@TypeOf(ctx), t.HANDLE) abi.Status) abi.Status {
    if (token == null) return abi.Error.invalid_argument.status();
    if (adv.ImpersonateLoggedOnUser(token) == 0) return st.lastError();
    defer revert();
    var thread_token: t.HANDLE = null;
    // OpenAsSelf: the thread's token is opened with the process's identity.
    if (adv.OpenThreadToken(k32.GetCurrentThread(), TOKEN_QUERY | TOKEN_DUPLICATE, 1, &thread_token) == 0) return st.lastError();
    defer _ = k32.CloseHandle(thread_token);
    var level: t.DWORD = 0;
    var len: t.DWORD = 0;
    if (adv.GetTokenInformation(thread_token, TokenImpersonationLevel, &level, @sizeOf(t.DWORD), &len) == 0) return st.lastError();
    level_out.* = level;
    if (level < SecurityImpersonation) return 0;
    return step(ctx, thread_token);
}

/// RevertToSelf cannot fail for a thread that impersonates; if it ever did,
/// the JavaScript thread would go on as the sandbox's account. That must not
/// happen, so the process ends instead.
fn revert() void {
    if (adv.RevertToSelf() == 0) _ = k32.TerminateProcess(k32.GetCurrentProcess(), 0xC0D0_0001);
}

/// 1 while the calling thread has a token of its own (impersonates), else 0.
pub fn threadImpersonating() abi.Status {
    var h: t.HANDLE = null;
    if (adv.OpenThreadToken(k32.GetCurrentThread(), TOKEN_QUERY, 1, &h) == 0) {
        if (k32.GetLastError() == ERROR_NO_TOKEN) return 0;
        return st.lastError();
    }
    _ = k32.CloseHandle(h);
    return 1;
}

const ERROR_NO_TOKEN: t.DWORD = 1008;

/// cordon_windows_access_as in cordon_windows_impersonate.h.
pub const AccessAs = extern struct {
    /// AccessCheck of the path's DACL against the impersonated token: 1 allowed.
    allowed: u32,
    granted: u32,
    /// What opening the path as the account gave: 0, or -Win32 error.
    open_status: i32,
    /// The impersonation level the thread got (2: SecurityImpersonation).
    level: u32,
};

const AccessCtx = struct { path: [*:0]const u16, desired: u32, out: *align(1) AccessAs };

fn accessStep(c: AccessCtx, thread_token: t.HANDLE) abi.Status {
    var granted: u32 = 0;
    const rc = acl.check(c.path, t.handleBits(thread_token), c.desired, &granted);
    if (rc < 0) return rc;
    c.out.allowed = @intCast(rc);
    c.out.granted = granted;
    c.out.open_status = openAs(c.path, c.desired);
    return 0;
}

const FILE_SHARE_ALL: t.DWORD = 0x1 | 0x2 | 0x4;
const OPEN_EXISTING: t.DWORD = 3;
/// Directories open only with backup semantics; no privilege is used without SeBackupPrivilege enabled.
const FILE_FLAG_BACKUP_SEMANTICS: t.DWORD = 0x0200_0000;

fn openAs(path: [*:0]const u16, desired: u32) i32 {
    const h = k32.CreateFileW(path, desired, FILE_SHARE_ALL, null, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, null);
    if (h == t.INVALID_HANDLE_VALUE or h == null) return st.lastError();
    _ = k32.CloseHandle(h);
    return 0;
}

/// Both answers for `token` on `path`: the DACL's (AccessCheck) and the
/// kernel's (a real open with `desired`), taken while impersonating.
pub fn accessCheckAs(token: t.HANDLE, path: [*:0]const u16, desired: u32, out: *align(1) AccessAs) abi.Status {
    out.* = .{ .allowed = 0, .granted = 0, .open_status = 0, .level = 0 };
    var level: u32 = 0;
    const rc = asAccount(token, &level, AccessCtx{ .path = path, .desired = desired, .out = out }, accessStep);
    out.level = level;
    return rc;
}

const DirCtx = struct { path: [*:0]const u16 };

fn dirStep(c: DirCtx, _: t.HANDLE) abi.Status {
    return st.fromBool(k32.CreateDirectoryW(c.path, null));
}

/// Creates directory `path` as the account: it becomes the owner and the
/// token's default DACL applies where nothing is inherited. Returns the
/// impersonation level reached (a level below 2 created nothing).
pub fn createDirectoryAs(token: t.HANDLE, path: [*:0]const u16) abi.Status {
    var level: u32 = 0;
    const rc = asAccount(token, &level, DirCtx{ .path = path }, dirStep);
    if (rc < 0) return rc;
    return @intCast(level);
}

comptime {
    if (@sizeOf(AccessAs) != 16) @compileError("access record drifted from cordon_windows_impersonate.h");
}
