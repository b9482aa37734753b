//! ntdll.dll externs cordon uses (NT layer: results are NTSTATUS).
const t = @import("types.zig");

pub extern "ntdll" fn NtQuerySystemInformation(
    SystemInformationClass: u32,
    SystemInformation: *anyopaque,
    SystemInformationLength: t.ULONG,
    ReturnLength: ?*t.ULONG,
) callconv(.winapi) t.NTSTATUS;
