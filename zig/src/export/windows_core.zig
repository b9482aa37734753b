//! Handles, pipes and Wine detection (cordon_windows.h).
const abi = @import("../abi.zig");
const t = @import("../windows/types.zig");
const k32 = @import("../windows/kernel32.zig");
const st = @import("../windows/status.zig");
const handle = @import("../windows/handle.zig");
const wine = @import("../windows/wine.zig");

export fn cordon_windows_close_handle(h: u64) abi.Status {
    return st.fromBool(k32.CloseHandle(t.handle(h)));
}

export fn cordon_windows_handle_flags(h: u64) abi.Status {
    return handle.flags(t.handle(h));
}

export fn cordon_windows_handle_set_inherit(h: u64, inherit: u32) abi.Status {
    return handle.setInherit(t.handle(h), inherit != 0);
}

export fn cordon_windows_pipe(ends: [*]u8, len: usize) abi.Status {
    if (len < 16) return abi.Error.buffer_too_small.status();
    return handle.pipe(@ptrCast(ends), @ptrCast(ends + 8));
}

export fn cordon_windows_read(h: u64, buf: [*]u8, len: usize) abi.Status {
    return handle.read(t.handle(h), buf[0..len]);
}

export fn cordon_windows_write(h: u64, buf: [*]const u8, len: usize) abi.Status {
    return handle.write(t.handle(h), buf[0..len]);
}

export fn cordon_windows_wine_version(buf: [*]u8, len: usize) abi.Status {
    return wine.version(buf[0..len]);
}

export fn cordon_windows_pipe_peek(h: u64) abi.Status {
    return handle.peek(t.handle(h));
}

export fn cordon_windows_std_duplicate(which: u32, out: [*]u8, len: usize) abi.Status {
    if (len < 8) return abi.Error.buffer_too_small.status();
    return handle.stdDuplicate(which, @ptrCast(out));
}

export fn cordon_windows_open_null(out: [*]u8, len: usize) abi.Status {
    if (len < 8) return abi.Error.buffer_too_small.status();
    return handle.openNull(@ptrCast(out));
}
