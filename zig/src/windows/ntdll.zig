//! ntdll.dll calls cordon makes (NT layer: results are NTSTATUS). Where Zig's
//! std already declares the call (std.os.windows.ntdll), that declaration is
//! used: one extern per function in the whole program, and std's own
//! signature. The wrappers only convert std's types (non-optional pointers,
//! NTSTATUS as an enum) to the plain integers the exports speak in.
const std_nt = @import("std").os.windows.ntdll;
const t = @import("types.zig");

fn status(s: anytype) t.NTSTATUS {
    return @bitCast(@intFromEnum(s));
}

/// NtQuerySystemInformation(class) into `buf`.
pub fn querySystem(class: u32, buf: []u8, returned: ?*t.ULONG) t.NTSTATUS {
    const len: u32 = @intCast(@min(buf.len, 0x7FFF_FFF8));
    return status(std_nt.NtQuerySystemInformation(@enumFromInt(class), @ptrCast(buf.ptr), len, returned));
}

/// NtQueryInformationProcess(process, class) into `buf`.
pub fn queryProcess(process: t.HANDLE, class: u32, buf: []u8, returned: ?*t.ULONG) t.NTSTATUS {
    const h = process orelse return STATUS_INVALID_HANDLE;
    const len: u32 = @intCast(@min(buf.len, 0x7FFF_FFF8));
    return status(std_nt.NtQueryInformationProcess(h, @enumFromInt(class), @ptrCast(buf.ptr), len, returned));
}

pub const STATUS_INVALID_HANDLE: t.NTSTATUS = @bitCast(@as(u32, 0xC0000008));
pub const STATUS_INFO_LENGTH_MISMATCH: t.NTSTATUS = @bitCast(@as(u32, 0xC0000004));
pub const STATUS_BUFFER_TOO_SMALL: t.NTSTATUS = @bitCast(@as(u32, 0xC0000023));

/// SYSTEM_INFORMATION_CLASS and PROCESSINFOCLASS values cordon asks for.
pub const SystemProcessInformation: u32 = 5;
pub const SystemExtendedHandleInformation: u32 = 64;
pub const ProcessHandleInformation: u32 = 51;
pub const ProcessMitigationPolicy: u32 = 52;
