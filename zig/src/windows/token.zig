//! Restricted tokens and integrity levels for the child (CreateProcessAsUserW).
//! A restricted copy of cordon's own token needs no privilege to use.
const std = @import("std");
const abi = @import("../abi.zig");
const t = @import("types.zig");
const k32 = @import("kernel32.zig");
const adv = @import("advapi32.zig");
const st = @import("status.zig");
const sids = @import("sid.zig");

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

/// cordon_windows_token_facts in cordon_windows_token.h: what a process's
/// token is, read back before its first instruction runs.
pub const Facts = extern struct {
    /// Bit n: the privilege whose LUID is n is in the token (bit 63: any LUID of 63 or above).
    privileges_present: u64,
    /// Same bits, for the privileges enabled.
    privileges_enabled: u64,
    integrity_rid: u32,
    /// IsTokenRestricted: the token has restricting SIDs.
    restricted: u32,
    restricted_sids: u32,
    app_container: u32,
    elevated: u32,
    package_sid_len: u32,
    user_sid_len: u32,
    /// FACT_* bits: what could not be read (the rest of the record is valid).
    unread: u32,
    package_sid: [68]u8,
    user_sid: [68]u8,
};

pub const FACT_INTEGRITY: u32 = 1;
pub const FACT_RESTRICTED_SIDS: u32 = 2;
pub const FACT_APP_CONTAINER: u32 = 4;
pub const FACT_PRIVILEGES: u32 = 8;
pub const FACT_USER: u32 = 16;
pub const FACT_ELEVATION: u32 = 32;

const TokenUser: i32 = 1;
const TokenPrivileges: i32 = 3;
const TokenRestrictedSids: i32 = 11;
const TokenIsAppContainer: i32 = 29;
const TokenAppContainerSid: i32 = 31;
const SE_PRIVILEGE_ENABLED: u32 = 0x2;

/// Reads the token of `process` (OpenProcessToken with TOKEN_QUERY) into `out`.
pub fn processFacts(process: t.HANDLE, out: *align(1) Facts) abi.Status {
    var token: t.HANDLE = null;
    if (adv.OpenProcessToken(process, TOKEN_QUERY, &token) == 0) return st.lastError();
    defer _ = k32.CloseHandle(token);
    out.* = std.mem.zeroes(Facts);
    var buf: [4096]u8 align(8) = undefined;
    var len: t.DWORD = 0;

    if (adv.GetTokenInformation(token, TokenIntegrityLevel, &buf, buf.len, &len) != 0) {
        const label: *const t.SID_AND_ATTRIBUTES = @ptrCast(&buf);
        const count = adv.GetSidSubAuthorityCount(label.Sid).*;
        if (count > 0) out.integrity_rid = adv.GetSidSubAuthority(label.Sid, count - 1).* else out.unread |= FACT_INTEGRITY;
    } else out.unread |= FACT_INTEGRITY;

    out.restricted = if (adv.IsTokenRestricted(token) != 0) 1 else 0;
    // TOKEN_GROUPS: GroupCount first.
    if (adv.GetTokenInformation(token, TokenRestrictedSids, &buf, buf.len, &len) != 0) {
        out.restricted_sids = std.mem.readInt(u32, buf[0..4], .little);
    } else out.unread |= FACT_RESTRICTED_SIDS;

    var is_app: t.DWORD = 0;
    if (adv.GetTokenInformation(token, TokenIsAppContainer, &is_app, @sizeOf(t.DWORD), &len) != 0) {
        out.app_container = if (is_app != 0) 1 else 0;
        // TOKEN_APPCONTAINER_INFORMATION: one PSID, null outside an AppContainer.
        if (is_app != 0 and adv.GetTokenInformation(token, TokenAppContainerSid, &buf, buf.len, &len) != 0) {
            const psid: *const t.PSID = @ptrCast(&buf);
            const n = sids.copyOut(psid.*, &out.package_sid);
            if (n > 0) out.package_sid_len = @intCast(n) else out.unread |= FACT_APP_CONTAINER;
        } else if (is_app != 0) out.unread |= FACT_APP_CONTAINER;
    } else out.unread |= FACT_APP_CONTAINER;

    // TOKEN_PRIVILEGES: PrivilegeCount, then LUID_AND_ATTRIBUTES { LUID (u32 low, i32 high), u32 attributes }.
    if (adv.GetTokenInformation(token, TokenPrivileges, &buf, buf.len, &len) != 0) {
        const n = std.mem.readInt(u32, buf[0..4], .little);
        if (4 + @as(usize, n) * 12 > len) return abi.Error.record_out_of_bounds.status();
        for (0..n) |i| {
            const at = 4 + i * 12;
            const low = std.mem.readInt(u32, buf[at..][0..4], .little);
            const high = std.mem.readInt(u32, buf[at + 4 ..][0..4], .little);
            const attrs = std.mem.readInt(u32, buf[at + 8 ..][0..4], .little);
            const bit: u6 = if (high != 0 or low >= 63) 63 else @intCast(low);
            out.privileges_present |= @as(u64, 1) << bit;
            if (attrs & SE_PRIVILEGE_ENABLED != 0) out.privileges_enabled |= @as(u64, 1) << bit;
        }
    } else out.unread |= FACT_PRIVILEGES;

    // TOKEN_USER: SID_AND_ATTRIBUTES.
    if (adv.GetTokenInformation(token, TokenUser, &buf, buf.len, &len) != 0) {
        const user: *const t.SID_AND_ATTRIBUTES = @ptrCast(&buf);
        const n = sids.copyOut(user.Sid, &out.user_sid);
        if (n > 0) out.user_sid_len = @intCast(n) else out.unread |= FACT_USER;
    } else out.unread |= FACT_USER;

    var elevation: t.DWORD = 0;
    if (adv.GetTokenInformation(token, TokenElevation, &elevation, @sizeOf(t.DWORD), &len) != 0) {
        out.elevated = if (elevation != 0) 1 else 0;
    } else out.unread |= FACT_ELEVATION;
    return 0;
}

comptime {
    if (@sizeOf(Facts) != 184) @compileError("token facts drifted from cordon_windows_token.h");
}
