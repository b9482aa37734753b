//! Exports of the denial sources (cordon_linux_explain.h): the audit log
//! where landlock writes its denials, and the seccomp notification supervisor.
const abi = @import("../abi.zig");
const audit = @import("../linux/audit.zig");

export fn cordon_linux_audit_status(buf: [*]u8, len: usize) abi.Status {
    if (len != @sizeOf(audit.Status)) return abi.Error.invalid_argument.status();
    var s: audit.Status = .{};
    const rc = audit.status(&s);
    if (rc < 0) return rc;
    @memcpy(buf[0..len], @as([*]const u8, @ptrCast(&s))[0..len]);
    return 0;
}

export fn cordon_linux_audit_set_enabled(enabled: u32) abi.Status {
    return audit.setEnabled(enabled);
}

export fn cordon_linux_audit_reader_start(channel: i32) abi.Status {
    return audit.readerStart(channel);
}

export fn cordon_linux_audit_reader_stop(handle: i32) abi.Status {
    return audit.readerStop(handle);
}

export fn cordon_linux_audit_reader_sync(handle: i32) abi.Status {
    return audit.readerSync(handle);
}

const notify = @import("../linux/notify.zig");

export fn cordon_linux_notify_watch(sock: i32, channel: i32, prog: [*]const u8, prog_len: usize, table: [*]const u8, table_len: usize) abi.Status {
    return notify.watch(sock, channel, prog[0..prog_len], table[0..table_len]);
}
