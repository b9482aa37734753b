//! advapi32.dll externs cordon uses: tokens, SIDs, security descriptors.
const t = @import("types.zig");
const BOOL = t.BOOL;
const DWORD = t.DWORD;
const HANDLE = t.HANDLE;
const PVOID = t.PVOID;

pub extern "advapi32" fn CreateProcessAsUserW(
    hToken: HANDLE,
    lpApplicationName: t.LPCWSTR,
    lpCommandLine: t.LPWSTR,
    lpProcessAttributes: ?*t.SECURITY_ATTRIBUTES,
    lpThreadAttributes: ?*t.SECURITY_ATTRIBUTES,
    bInheritHandles: BOOL,
    dwCreationFlags: DWORD,
    lpEnvironment: PVOID,
    lpCurrentDirectory: t.LPCWSTR,
    lpStartupInfo: *t.STARTUPINFOW,
    lpProcessInformation: *t.PROCESS_INFORMATION,
) callconv(.winapi) BOOL;
