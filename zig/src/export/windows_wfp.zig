//! Windows Filtering Platform and loopback exemption exports (cordon_windows_wfp.h).
const abi = @import("../abi.zig");
const t = @import("../windows/types.zig");
const wfp = @import("../windows/wfp.zig");
const loopback = @import("../windows/loopback.zig");

export fn cordon_windows_wfp_open(out: [*]u8, len: usize) abi.Status {
    if (len < 8) return abi.Error.buffer_too_small.status();
    return wfp.open(@ptrCast(out));
}

export fn cordon_windows_wfp_close(engine: u64) abi.Status {
    return wfp.close(t.handle(engine));
}

export fn cordon_windows_wfp_add_filter(engine: u64, spec: [*]const u8, spec_len: usize, id: [*]u8, id_len: usize) abi.Status {
    if (spec_len != @sizeOf(wfp.Spec) or id_len < 8) return abi.Error.abi_mismatch.status();
    return wfp.addFilter(t.handle(engine), @ptrCast(spec), @ptrCast(id));
}

export fn cordon_windows_loopback_exempt(sid: [*]const u8, sid_len: usize) abi.Status {
    return loopback.exempt(sid[0..sid_len]);
}

export fn cordon_windows_loopback_unexempt(sid: [*]const u8, sid_len: usize) abi.Status {
    return loopback.unexempt(sid[0..sid_len]);
}
