//! userenv.dll externs: AppContainer profiles. Results are HRESULTs.
const t = @import("types.zig");

pub extern "userenv" fn CreateAppContainerProfile(pszAppContainerName: t.LPCWSTR, pszDisplayName: t.LPCWSTR, pszDescription: t.LPCWSTR, pCapabilities: ?[*]t.SID_AND_ATTRIBUTES, dwCapabilityCount: t.DWORD, ppSidAppContainerSid: *t.PSID) callconv(.winapi) i32;
pub extern "userenv" fn DeriveAppContainerSidFromAppContainerName(pszAppContainerName: t.LPCWSTR, ppsidAppContainerSid: *t.PSID) callconv(.winapi) i32;
pub extern "userenv" fn DeleteAppContainerProfile(pszAppContainerName: t.LPCWSTR) callconv(.winapi) i32;
