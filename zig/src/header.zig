//! The C header as Zig reads it: ffi/include/cordon.h through translate-c
//! (build.zig adds it as the module `cordon_h`, translated for the target), so
//! a record crossing the boundary has one layout, the header's.
pub const c = @import("cordon_h");

/// Fails the build unless `Ours` (a Zig struct kept for its own reasons) has
/// `Header`'s size and every one of `Header`'s fields at the same offset.
pub fn expectLayout(comptime Ours: type, comptime Header: type) void {
    comptime {
        if (@sizeOf(Ours) != @sizeOf(Header)) @compileError(@typeName(Ours) ++ ": size differs from the header's");
        for (@typeInfo(Header).@"struct".field_names) |name| {
            if (!@hasField(Ours, name) or @offsetOf(Ours, name) != @offsetOf(Header, name))
                @compileError(@typeName(Ours) ++ "." ++ name ++ ": not at the header's offset");
        }
    }
}

