//! DACL edits on paths for one SID, and AccessCheck to verify what a token
//! may do there (the file system sandbox of the account and AppContainer tiers).
const abi = @import("../abi.zig");
const t = @import("types.zig");
const k32 = @import("kernel32.zig");
const adv = @import("advapi32.zig");
const st = @import("status.zig");

const SE_FILE_OBJECT: i32 = 1;
const OWNER_SECURITY_INFORMATION: u32 = 0x1;
const GROUP_SECURITY_INFORMATION: u32 = 0x2;
const DACL_SECURITY_INFORMATION: u32 = 0x4;
const TRUSTEE_IS_SID: i32 = 0;
const TOKEN_QUERY: u32 = 0x8;
const TOKEN_DUPLICATE: u32 = 0x2;
const SecurityImpersonation: i32 = 2;
const TokenImpersonation: i32 = 2;

const file_mapping = adv.GENERIC_MAPPING{
    .GenericRead = 0x120089, // FILE_GENERIC_READ
    .GenericWrite = 0x120116, // FILE_GENERIC_WRITE
    .GenericExecute = 0x1200A0, // FILE_GENERIC_EXECUTE
    .GenericAll = 0x1F01FF, // FILE_ALL_ACCESS
};

/// Merges one entry (GRANT_ACCESS=1, SET_ACCESS=2, DENY_ACCESS=3,
/// REVOKE_ACCESS=4) for `sid` into the DACL of `path`.
pub fn set(path: [*:0]u16, sid: t.PSID, access: u32, mode: u32, inheritance: u32) abi.Status {
    var dacl: t.PVOID = null;
    var sd: t.PVOID = null;
    var rc = adv.GetNamedSecurityInfoW(path, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, null, null, &dacl, null, &sd);
    if (rc != 0) return -@as(abi.Status, @intCast(rc & 0x7FFF_FFFF));
    defer _ = k32.LocalFree(sd);
    const entry = adv.EXPLICIT_ACCESS_W{
        .grfAccessPermissions = access,
        .grfAccessMode = @intCast(mode),
        .grfInheritance = inheritance,
        .Trustee = .{ .TrusteeForm = TRUSTEE_IS_SID, .ptstrName = sid },
    };
    var merged: t.PVOID = null;
    rc = adv.SetEntriesInAclW(1, &entry, dacl, &merged);
    if (rc != 0) return -@as(abi.Status, @intCast(rc & 0x7FFF_FFFF));
    defer _ = k32.LocalFree(merged);
    rc = adv.SetNamedSecurityInfoW(path, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, null, null, merged, null);
    if (rc != 0) return -@as(abi.Status, @intCast(rc & 0x7FFF_FFFF));
    return 0;
}

/// AccessCheck of `desired` on `path` for `token_bits` (a primary or
/// impersonation token; 0: this process's). 1 allowed, 0 denied; `granted`
/// receives the mask the DACL grants.
pub fn check(path: [*:0]const u16, token_bits: u64, desired: u32, granted_out: *align(1) u32) abi.Status {
    var sd: t.PVOID = null;
    const rc = adv.GetNamedSecurityInfoW(path, SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, null, null, null, null, &sd);
    if (rc != 0) return -@as(abi.Status, @intCast(rc & 0x7FFF_FFFF));
    defer _ = k32.LocalFree(sd);

    var source = t.handle(token_bits);
    var own = false;
    if (source == null) {
        if (adv.OpenProcessToken(k32.GetCurrentProcess(), TOKEN_QUERY | TOKEN_DUPLICATE, &source) == 0) return st.lastError();
        own = true;
    }
    defer if (own) {
        _ = k32.CloseHandle(source);
    };
    // AccessCheck wants an impersonation token.
    var imp: t.HANDLE = null;
    if (adv.DuplicateTokenEx(source, TOKEN_QUERY, null, SecurityImpersonation, TokenImpersonation, &imp) == 0) return st.lastError();
    defer _ = k32.CloseHandle(imp);

    var want = desired;
    adv.MapGenericMask(&want, &file_mapping);
    var privileges: [256]u8 align(8) = undefined;
    var privileges_len: t.DWORD = privileges.len;
    var granted: t.DWORD = 0;
    var ok: t.BOOL = 0;
    if (adv.AccessCheck(sd, imp, want, &file_mapping, &privileges, &privileges_len, &granted, &ok) == 0) return st.lastError();
    granted_out.* = granted;
    return if (ok != 0) 1 else 0;
}
