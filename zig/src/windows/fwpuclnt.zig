//! fwpuclnt.dll externs: the Windows Filtering Platform's user-mode
//! management API. Results are Win32 errors or FWP_E_* codes.
const t = @import("types.zig");

pub const GUID = extern struct { Data1: u32, Data2: u16, Data3: u16, Data4: [8]u8 };
pub const FWPM_DISPLAY_DATA0 = extern struct { name: t.LPWSTR = null, description: t.LPWSTR = null };
pub const FWP_BYTE_BLOB = extern struct { size: u32, data: ?[*]u8 };

pub const FWP_BYTE_ARRAY16 = extern struct { byteArray16: [16]u8 };

pub const FWP_DATA_TYPE = enum(u32) { FWP_EMPTY = 0, FWP_UINT8 = 1, FWP_UINT16 = 2, FWP_UINT32 = 3, FWP_BYTE_ARRAY16_TYPE = 11, FWP_SID = 13, FWP_SECURITY_DESCRIPTOR_TYPE = 14 };

/// FWP_VALUE0 and FWP_CONDITION_VALUE0 share this layout: a type and an 8-byte union.
pub const FWP_VALUE0 = extern struct { type: FWP_DATA_TYPE, value: u64 };

pub const FWPM_FILTER_CONDITION0 = extern struct {
    fieldKey: GUID,
    matchType: u32, // FWP_MATCH_EQUAL = 0
    conditionValue: FWP_VALUE0,
};

pub const FWPM_ACTION0 = extern struct { type: u32, filterType: GUID = std_zero_guid };

pub const FWPM_FILTER0 = extern struct {
    filterKey: GUID = std_zero_guid,
    displayData: FWPM_DISPLAY_DATA0 = .{},
    flags: u32 = 0,
    providerKey: ?*GUID = null,
    providerData: FWP_BYTE_BLOB = .{ .size = 0, .data = null },
    layerKey: GUID,
    subLayerKey: GUID = std_zero_guid,
    weight: FWP_VALUE0,
    numFilterConditions: u32,
    filterCondition: ?[*]const FWPM_FILTER_CONDITION0,
    action: FWPM_ACTION0,
    // union { UINT64 rawContext; GUID providerContextKey; }: 8-byte aligned.
    providerContextKey: GUID align(8) = std_zero_guid,
    reserved: ?*GUID = null,
    filterId: u64 = 0,
    effectiveWeight: FWP_VALUE0 = .{ .type = .FWP_EMPTY, .value = 0 },
};

pub const FWPM_SESSION0 = extern struct {
    sessionKey: GUID = std_zero_guid,
    displayData: FWPM_DISPLAY_DATA0 = .{},
    flags: u32,
    txnWaitTimeoutInMSec: u32 = 0,
    processId: u32 = 0,
    sid: t.PSID = null,
    username: t.LPWSTR = null,
    kernelMode: t.BOOL = 0,
};

pub const std_zero_guid = GUID{ .Data1 = 0, .Data2 = 0, .Data3 = 0, .Data4 = @splat(0) };

pub extern "fwpuclnt" fn FwpmEngineOpen0(serverName: t.LPCWSTR, authnService: u32, authIdentity: ?*anyopaque, session: ?*const FWPM_SESSION0, engineHandle: *t.HANDLE) callconv(.winapi) u32;
pub extern "fwpuclnt" fn FwpmEngineClose0(engineHandle: t.HANDLE) callconv(.winapi) u32;
pub extern "fwpuclnt" fn FwpmFilterAdd0(engineHandle: t.HANDLE, filter: *const FWPM_FILTER0, sd: ?*anyopaque, id: ?*u64) callconv(.winapi) u32;

comptime {
    // x64/arm64 sizes of fwpmtypes.h.
    if (@sizeOf(FWPM_FILTER_CONDITION0) != 40 or @sizeOf(FWPM_FILTER0) != 200 or @sizeOf(FWPM_SESSION0) != 72)
        @compileError("FWPM record layout");
}
