//! SIDs copied out to the caller: the system allocates them, cordon copies
//! the bytes into the caller's buffer and frees the original at once.
const abi = @import("../abi.zig");
const t = @import("types.zig");
const k32 = @import("kernel32.zig");
const adv = @import("advapi32.zig");
const st = @import("status.zig");

/// Copies `sid` into `out`; returns its length.
pub fn copyOut(sid: t.PSID, out: []u8) abi.Status {
    const len = adv.GetLengthSid(sid);
    if (len > out.len) return abi.Error.buffer_too_small.status();
    if (adv.CopySid(len, @ptrCast(out.ptr), sid) == 0) return st.lastError();
    return @intCast(len);
}

/// A SID from its string form (S-1-...).
pub fn fromString(text: [*:0]const u16, out: []u8) abi.Status {
    var sid: t.PSID = null;
    if (adv.ConvertStringSidToSidW(text, &sid) == 0) return st.lastError();
    defer _ = k32.LocalFree(sid);
    return copyOut(sid, out);
}

/// Validates a caller-supplied SID buffer.
pub fn borrowed(bytes: []const u8) ?t.PSID {
    if (bytes.len < 8) return null;
    const sid: t.PSID = @ptrCast(@constCast(bytes.ptr));
    if (adv.IsValidSid(sid) == 0 or adv.GetLengthSid(sid) > bytes.len) return null;
    return sid;
}
