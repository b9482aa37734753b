//! Restricted tokens and integrity levels for the child (CreateProcessAsUserW).
//! A restricted copy of cordon's own token needs no privilege to use.
const abi = @import("../abi.zig");
const t = @import("types.zig");
const k32 = @import("kernel32.zig");
const adv = @import("advapi32.zig");
const st = @import("status.zig");

const TOKEN_ASSIGN_PRIMARY: u32 = 0x1;
const TOKEN_DUPLICATE: u32 = 0x2;
const TOKEN_QUERY: u32 = 0x8;
const TOKEN_ADJUST_DEFAULT: u32 = 0x80;
const TokenIntegrityLevel: i32 = 25;
const SE_GROUP_INTEGRITY: u32 = 0x20;
const mandatory_label_authority = adv.SID_IDENTIFIER_AUTHORITY{ .Value = .{ 0, 0, 0, 0, 0, 16 } };

/// CreateRestrictedToken(flags) of this process's token, then, if `integrity_rid`
/// is not 0, its integrity level lowered to that RID (e.g. 0x1000, low).
pub fn restricted(flags: u32, integrity_rid: u32, out: *align(1) u64) abi.Status {
    var own: t.HANDLE = null;
    if (adv.OpenProcessToken(k32.GetCurrentProcess(), TOKEN_ASSIGN_PRIMARY | TOKEN_DUPLICATE | TOKEN_QUERY | TOKEN_ADJUST_DEFAULT, &own) == 0) return st.lastError();
    defer _ = k32.CloseHandle(own);
    var token: t.HANDLE = null;
    if (adv.CreateRestrictedToken(own, flags, 0, null, 0, null, 0, null, &token) == 0) return st.lastError();
    if (integrity_rid != 0) {
        const rc = setIntegrity(token, integrity_rid);
        if (rc < 0) {
            _ = k32.CloseHandle(token);
            return rc;
        }
    }
    out.* = t.handleBits(token);
    return 0;
}

fn setIntegrity(token: t.HANDLE, rid: u32) abi.Status {
    var sid: t.PSID = null;
    if (adv.AllocateAndInitializeSid(&mandatory_label_authority, 1, rid, 0, 0, 0, 0, 0, 0, 0, &sid) == 0) return st.lastError();
    defer _ = adv.FreeSid(sid);
    const label = t.SID_AND_ATTRIBUTES{ .Sid = sid, .Attributes = SE_GROUP_INTEGRITY };
    // TOKEN_MANDATORY_LABEL is one SID_AND_ATTRIBUTES; the SID's length follows it.
    return st.fromBool(adv.SetTokenInformation(token, TokenIntegrityLevel, &label, @intCast(@sizeOf(t.SID_AND_ATTRIBUTES) + adv.GetLengthSid(sid))));
}

/// cordon_windows_token_info: whether `token` (0: this process's) is
/// restricted, its integrity RID, and whether it is elevated.
pub const Info = extern struct { restricted: u32, integrity_rid: u32, elevated: u32 };
const TokenElevation: i32 = 20;

pub fn query(token_bits: u64, out: *align(1) Info) abi.Status {
    var token = t.handle(token_bits);
    var own = false;
    if (token == null) {
        if (adv.OpenProcessToken(k32.GetCurrentProcess(), TOKEN_QUERY, &token) == 0) return st.lastError();
        own = true;
    }
    defer if (own) {
        _ = k32.CloseHandle(token);
    };
    var buf: [128]u8 align(8) = undefined;
    var len: t.DWORD = 0;
    if (adv.GetTokenInformation(token, TokenIntegrityLevel, &buf, buf.len, &len) == 0) return st.lastError();
    const label: *const t.SID_AND_ATTRIBUTES = @ptrCast(&buf);
    const count = adv.GetSidSubAuthorityCount(label.Sid).*;
    if (count == 0) return abi.Error.record_out_of_bounds.status();
    var elevation: t.DWORD = 0; // TOKEN_ELEVATION.TokenIsElevated
    if (adv.GetTokenInformation(token, TokenElevation, &elevation, @sizeOf(t.DWORD), &len) == 0) return st.lastError();
    out.* = .{
        .restricted = if (adv.IsTokenRestricted(token) != 0) 1 else 0,
        .integrity_rid = adv.GetSidSubAuthority(label.Sid, count - 1).*,
        .elevated = if (elevation != 0) 1 else 0,
    };
    return 0;
}
