//! AppContainer profiles: a package SID the child's lowbox token carries.
//! Objects grant nothing to it unless a DACL names it (or ALL APPLICATION
//! PACKAGES); network access exists only through capability SIDs.
const abi = @import("../abi.zig");
const t = @import("types.zig");
const adv = @import("advapi32.zig");
const env = @import("userenv.zig");
const sid = @import("sid.zig");

const HRESULT_ALREADY_EXISTS: i32 = @bitCast(@as(u32, 0x800700B7));

/// HRESULTs of the WIN32 facility become -code (the win32 domain); others pass through.
pub fn fromHresult(hr: i32) abi.Status {
    if (hr >= 0) return 0;
    const u: u32 = @bitCast(hr);
    if (u & 0xFFFF_0000 == 0x8007_0000) return -@as(abi.Status, @intCast(u & 0xFFFF));
    return hr;
}

/// Creates the profile, or derives the SID of an existing one; copies the SID out.
pub fn ensure(name: [*:0]const u16, display: [*:0]const u16, out: []u8) abi.Status {
    var psid: t.PSID = null;
    var hr = env.CreateAppContainerProfile(name, display, display, null, 0, &psid);
    if (hr == HRESULT_ALREADY_EXISTS) hr = env.DeriveAppContainerSidFromAppContainerName(name, &psid);
    if (hr < 0) return fromHresult(hr);
    defer _ = adv.FreeSid(psid);
    return sid.copyOut(psid, out);
}

pub fn delete(name: [*:0]const u16) abi.Status {
    return fromHresult(env.DeleteAppContainerProfile(name));
}
