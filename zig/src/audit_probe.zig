//! Root of cordon-audit-probe.exe, the two halves of `cordon audit` on
//! Windows (windows/audit/): CORDON_AUDIT_MODE=keep plants canaries outside
//! and counts what arrives; otherwise it runs inside the sandbox and tries
//! each channel (CORDON_AUDIT names the canaries). A separate program, so
//! that cordon's library links none of user32, ws2_32 or the credential API.
const std = @import("std");
const out = @import("windows/audit/out.zig");
const inside = @import("windows/audit/inside.zig");
const keeper = @import("windows/audit/keeper.zig");

pub fn main() u8 {
    var wbuf: [1024]u16 = undefined;
    var abuf: [64]u8 = undefined;
    var mode_buf: [16]u16 = undefined;
    const mode = out.env(std.unicode.utf8ToUtf16LeStringLiteral("CORDON_AUDIT_MODE"), &mode_buf);
    if (mode != null and mode.?.len == 4 and mode.?[0] == 'k') {
        const n = out.env(std.unicode.utf8ToUtf16LeStringLiteral("CORDON_AUDIT_NONCE"), &wbuf) orelse return 2;
        if (n.len > abuf.len) return 2;
        for (n, 0..) |c, i| abuf[i] = @truncate(c);
        return keeper.run(abuf[0..n.len]);
    }
    const p = out.params(&wbuf, &abuf) orelse {
        out.line("{\"error\":\"CORDON_AUDIT is missing or malformed\"}\n");
        return 2;
    };
    inside.run(p);
    return 0;
}
