//! Dedicated local accounts (admin tier): created, disabled or deleted with
//! NetUser*, logged on for a primary token, and named by SID for DACLs and
//! WFP filters. Fetching and executing can then run as two accounts.
const abi = @import("../abi.zig");
const t = @import("types.zig");
const adv = @import("advapi32.zig");
const net = @import("netapi32.zig");
const st = @import("status.zig");

fn netStatus(rc: u32) abi.Status {
    return if (rc == 0) 0 else -@as(abi.Status, @intCast(rc & 0x7FFF_FFFF));
}

pub fn add(name: [*:0]u16, password: [*:0]u16) abi.Status {
    const info = net.USER_INFO_1{
        .usri1_name = name,
        .usri1_password = password,
        .usri1_priv = net.USER_PRIV_USER,
        .usri1_flags = net.UF_SCRIPT | net.UF_DONT_EXPIRE_PASSWD,
    };
    return netStatus(net.NetUserAdd(null, 1, &info, null));
}

/// 1 when the account exists, 0 when NetUserGetInfo says NERR_UserNotFound.
pub fn exists(name: [*:0]const u16) abi.Status {
    var buf: ?*anyopaque = null;
    const rc = net.NetUserGetInfo(null, name, 0, &buf);
    if (buf != null) _ = net.NetApiBufferFree(buf);
    if (rc == net.NERR_UserNotFound) return 0;
    if (rc != 0) return netStatus(rc);
    return 1;
}

/// USER_INFO_1008: replaces the account's UF_* flags (e.g. UF_ACCOUNTDISABLE).
pub fn setFlags(name: [*:0]const u16, flags: u32) abi.Status {
    const info = net.USER_INFO_1008{ .usri1008_flags = flags };
    return netStatus(net.NetUserSetInfo(null, name, 1008, &info, null));
}

/// USER_INFO_1003: a new password (a fresh random one per run).
pub fn setPassword(name: [*:0]const u16, password: [*:0]u16) abi.Status {
    const info = net.USER_INFO_1003{ .usri1003_password = password };
    return netStatus(net.NetUserSetInfo(null, name, 1003, &info, null));
}

pub fn delete(name: [*:0]const u16) abi.Status {
    return netStatus(net.NetUserDel(null, name));
}

// Interactive, not batch: Users hold "Allow log on locally" by default, while a
// new account lacks "Log on as a batch job" until granted it.
const LOGON32_LOGON_INTERACTIVE: u32 = 2;
const LOGON32_PROVIDER_DEFAULT: u32 = 0;
const local_domain = [_:0]u16{'.'};

/// A primary token of the local account.
pub fn logon(name: [*:0]const u16, password: [*:0]const u16, out: *align(1) u64) abi.Status {
    var token: t.HANDLE = null;
    if (adv.LogonUserW(name, &local_domain, password, LOGON32_LOGON_INTERACTIVE, LOGON32_PROVIDER_DEFAULT, &token) == 0) return st.lastError();
    out.* = t.handleBits(token);
    return 0;
}

/// The account's SID.
pub fn accountSid(name: [*:0]const u16, out: []u8) abi.Status {
    var len: t.DWORD = @intCast(@min(out.len, 0xFFFF));
    var domain: [256]u16 = undefined;
    var domain_len: t.DWORD = domain.len;
    var use: i32 = 0;
    if (adv.LookupAccountNameW(null, name, @ptrCast(out.ptr), &len, &domain, &domain_len, &use) == 0) {
        return st.lastError();
    }
    return @intCast(len);
}
