//! Windows Filtering Platform filters for one sandbox (admin tier). The
//! engine session is dynamic: every filter added through it disappears when
//! the session closes, including when cordon dies, so nothing outlives a run.
const abi = @import("../abi.zig");
const t = @import("types.zig");
const k32 = @import("kernel32.zig");
const adv = @import("advapi32.zig");
const fw = @import("fwpuclnt.zig");
const cordon_h = @import("../header.zig").c;

const RPC_C_AUTHN_DEFAULT: u32 = 0xFFFF_FFFF;
const FWPM_SESSION_FLAG_DYNAMIC: u32 = 0x1;
const FWP_ACTION_BLOCK: u32 = 0x1001; // FWP_ACTION_FLAG_TERMINATING | 1
const FWP_ACTION_PERMIT: u32 = 0x1002; // FWP_ACTION_FLAG_TERMINATING | 2

fn guid(d1: u32, d2: u16, d3: u16, d4: [8]u8) fw.GUID {
    return .{ .Data1 = d1, .Data2 = d2, .Data3 = d3, .Data4 = d4 };
}

// fwpmu.h layer and condition keys.
const layers = [_]fw.GUID{
    guid(0xc38d57d1, 0x05a7, 0x4c33, .{ 0x90, 0x4f, 0x7f, 0xbc, 0xee, 0xe6, 0x0e, 0x82 }), // FWPM_LAYER_ALE_AUTH_CONNECT_V4
    guid(0x4a72393b, 0x319f, 0x44bc, .{ 0x84, 0xc3, 0xba, 0x54, 0xdc, 0xb3, 0xb6, 0xb4 }), // FWPM_LAYER_ALE_AUTH_CONNECT_V6
    guid(0xe1cd9fe7, 0xf4b5, 0x4273, .{ 0x96, 0xc0, 0x59, 0x2e, 0x48, 0x7b, 0x86, 0x50 }), // FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4
    guid(0xa3b42c97, 0x9f04, 0x4672, .{ 0xb8, 0x7e, 0xce, 0xe9, 0xc4, 0x83, 0x25, 0x7f }), // FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V6
    guid(0x88bb5dad, 0x76d7, 0x4227, .{ 0x9c, 0x71, 0xdf, 0x0a, 0x3e, 0xd7, 0xbe, 0x7e }), // FWPM_LAYER_ALE_AUTH_LISTEN_V4
    guid(0x7ac9de24, 0x17dd, 0x4814, .{ 0xb4, 0xbd, 0xa9, 0xfb, 0xc9, 0x5a, 0x32, 0x1b }), // FWPM_LAYER_ALE_AUTH_LISTEN_V6
};
const FWPM_CONDITION_ALE_USER_ID = guid(0xaf043a0a, 0xb34d, 0x4f86, .{ 0x97, 0x9c, 0xc9, 0x03, 0x71, 0xaf, 0x6e, 0x66 });
const FWPM_CONDITION_ALE_PACKAGE_ID = guid(0x71bc78fa, 0xf17c, 0x4997, .{ 0xa6, 0x02, 0x6a, 0xbb, 0x26, 0x1f, 0x35, 0x1c });
const FWPM_CONDITION_IP_REMOTE_PORT = guid(0xc35a604d, 0xd22b, 0x4e1a, .{ 0x91, 0xb4, 0x68, 0xf6, 0x74, 0xee, 0x67, 0x4b });
const FWPM_CONDITION_IP_LOCAL_PORT = guid(0x0c1ba1af, 0x5765, 0x453f, .{ 0xaf, 0x22, 0xa8, 0xf7, 0x91, 0xac, 0x77, 0x5b });
const FWPM_CONDITION_IP_PROTOCOL = guid(0x3971ef2b, 0x623e, 0x4f9a, .{ 0x8c, 0xb1, 0x6e, 0x79, 0xb8, 0x06, 0xb9, 0xa7 });
const FWPM_CONDITION_IP_REMOTE_ADDRESS = guid(0xb235ae9a, 0x1d64, 0x49b8, .{ 0xa4, 0x4c, 0x5f, 0xf3, 0xd9, 0x09, 0x50, 0x45 });

/// IPv4 conditions take the address as FWP_UINT32 in host order; IPv6 ones a
/// pointer to 16 bytes in network order.
const LOOPBACK_V4: u32 = 0x7F00_0001;
const loopback_v6: fw.FWP_BYTE_ARRAY16 = .{ .byteArray16 = .{ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } };

/// cordon_windows_wfp_filter: the header's own record.
pub const Spec = cordon_h.struct_cordon_windows_wfp_filter;

/// The layers (indices into `layers`) whose classify carries a remote address, and which are IPv6.
fn hasRemoteAddress(layer: u32) bool {
    return layer <= 3; // ALE_AUTH_CONNECT_V4/_V6, ALE_AUTH_RECV_ACCEPT_V4/_V6
}
fn isV6(layer: u32) bool {
    return layer % 2 == 1;
}

/// Only values the header defines, reserved bytes zero: a record from a
/// newer caller is refused, never applied with a condition dropped.
fn valid(spec: *align(1) const Spec) bool {
    if (spec.layer >= layers.len or spec.action > 1 or spec.condition > 2) return false;
    if (spec.reserved[0] != 0 or spec.reserved[1] != 0) return false;
    return switch (spec.remote_address) {
        cordon_h.CORDON_WINDOWS_WFP_REMOTE_ANY => true,
        cordon_h.CORDON_WINDOWS_WFP_REMOTE_LOOPBACK => hasRemoteAddress(spec.layer),
        else => false,
    };
}

fn status(rc: u32) abi.Status {
    if (rc == 0) return 0;
    // FWP_E_* are HRESULT-like 0x8032xxxx: pass through as negative; Win32 codes as -code.
    if (rc & 0x8000_0000 != 0) return @bitCast(rc);
    return -@as(abi.Status, @intCast(rc));
}

pub fn open(out: *align(1) u64) abi.Status {
    const session = fw.FWPM_SESSION0{ .flags = FWPM_SESSION_FLAG_DYNAMIC };
    var engine: t.HANDLE = null;
    const rc = fw.FwpmEngineOpen0(null, RPC_C_AUTHN_DEFAULT, null, &session, &engine);
    if (rc != 0) return status(rc);
    out.* = t.handleBits(engine);
    return 0;
}

pub fn close(engine: t.HANDLE) abi.Status {
    return status(fw.FwpmEngineClose0(engine));
}

pub fn addFilter(engine: t.HANDLE, spec: *align(1) const Spec, id_out: *align(1) u64) abi.Status {
    if (!valid(spec)) return abi.Error.invalid_argument.status();
    var conditions: [5]fw.FWPM_FILTER_CONDITION0 = undefined;
    var n: u32 = 0;
    var sd: t.PVOID = null;
    defer if (sd != null) {
        _ = k32.LocalFree(sd);
    };
    var sd_blob: fw.FWP_BYTE_BLOB = .{ .size = 0, .data = null };
    switch (spec.condition) {
        1 => {
            if (spec.condition_data == 0) return abi.Error.invalid_argument.status();
            conditions[n] = .{ .fieldKey = FWPM_CONDITION_ALE_PACKAGE_ID, .matchType = 0, .conditionValue = .{ .type = .FWP_SID, .value = spec.condition_data } };
            n += 1;
        },
        2 => {
            if (spec.condition_data == 0) return abi.Error.invalid_argument.status();
            const sddl: [*:0]const u16 = @ptrFromInt(@as(usize, @intCast(spec.condition_data)));
            var size: t.ULONG = 0;
            if (adv.ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, 1, &sd, &size) == 0) return @import("status.zig").lastError();
            sd_blob = .{ .size = size, .data = @ptrCast(sd) };
            conditions[n] = .{ .fieldKey = FWPM_CONDITION_ALE_USER_ID, .matchType = 0, .conditionValue = .{ .type = .FWP_SECURITY_DESCRIPTOR_TYPE, .value = @intFromPtr(&sd_blob) } };
            n += 1;
        },
        else => {},
    }
    if (spec.remote_port != 0) {
        conditions[n] = .{ .fieldKey = FWPM_CONDITION_IP_REMOTE_PORT, .matchType = 0, .conditionValue = .{ .type = .FWP_UINT16, .value = spec.remote_port } };
        n += 1;
    }
    if (spec.local_port != 0) {
        conditions[n] = .{ .fieldKey = FWPM_CONDITION_IP_LOCAL_PORT, .matchType = 0, .conditionValue = .{ .type = .FWP_UINT16, .value = spec.local_port } };
        n += 1;
    }
    if (spec.remote_address == cordon_h.CORDON_WINDOWS_WFP_REMOTE_LOOPBACK) {
        // FWP_MATCH_EQUAL on the exact address: 127.0.0.1 or ::1, not the loopback ranges.
        const value: fw.FWP_VALUE0 = if (isV6(spec.layer))
            .{ .type = .FWP_BYTE_ARRAY16_TYPE, .value = @intFromPtr(&loopback_v6) }
        else
            .{ .type = .FWP_UINT32, .value = LOOPBACK_V4 };
        conditions[n] = .{ .fieldKey = FWPM_CONDITION_IP_REMOTE_ADDRESS, .matchType = 0, .conditionValue = value };
        n += 1;
    }
    if (spec.protocol != 0) {
        conditions[n] = .{ .fieldKey = FWPM_CONDITION_IP_PROTOCOL, .matchType = 0, .conditionValue = .{ .type = .FWP_UINT8, .value = spec.protocol } };
        n += 1;
    }
    var name = [_:0]u16{ 'c', 'o', 'r', 'd', 'o', 'n' };
    const filter = fw.FWPM_FILTER0{
        .displayData = .{ .name = &name },
        .layerKey = layers[spec.layer],
        .weight = if (spec.weight <= 15) .{ .type = .FWP_UINT8, .value = spec.weight } else .{ .type = .FWP_EMPTY, .value = 0 },
        .numFilterConditions = n,
        .filterCondition = if (n > 0) &conditions else null,
        .action = .{ .type = if (spec.action == 0) FWP_ACTION_BLOCK else FWP_ACTION_PERMIT },
    };
    var id: u64 = 0;
    const rc = fw.FwpmFilterAdd0(engine, &filter, null, &id);
    if (rc != 0) return status(rc);
    id_out.* = id;
    return 0;
}
