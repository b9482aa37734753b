//! Token, SID and AppContainer exports (cordon_windows_token.h).
const abi = @import("../abi.zig");
const token = @import("../windows/token.zig");
const sid = @import("../windows/sid.zig");
const appcontainer = @import("../windows/appcontainer.zig");

export fn cordon_windows_token_restricted(flags: u32, integrity_rid: u32, out: [*]u8, len: usize) abi.Status {
    if (len < 8) return abi.Error.buffer_too_small.status();
    return token.restricted(flags, integrity_rid, @ptrCast(out));
}

export fn cordon_windows_token_info(h: u64, out: [*]u8, len: usize) abi.Status {
    if (len != @sizeOf(token.Info)) return abi.Error.abi_mismatch.status();
    return token.query(h, @ptrCast(out));
}

export fn cordon_windows_token_facts(process: u64, out: [*]u8, len: usize) abi.Status {
    if (len != @sizeOf(token.Facts)) return abi.Error.abi_mismatch.status();
    return token.processFacts(@import("../windows/types.zig").handle(process), @ptrCast(out));
}

export fn cordon_windows_sid_from_string(text: [*:0]const u16, out: [*]u8, len: usize) abi.Status {
    return sid.fromString(text, out[0..len]);
}

export fn cordon_windows_appcontainer_sid(name: [*:0]const u16, display: [*:0]const u16, out: [*]u8, len: usize) abi.Status {
    return appcontainer.ensure(name, display, out[0..len]);
}

export fn cordon_windows_appcontainer_delete(name: [*:0]const u16) abi.Status {
    return appcontainer.delete(name);
}
