//! Egress relay exports (cordon_linux_relay.h).
const abi = @import("../abi.zig");
const relay = @import("../linux/relay.zig");
const netns_setup = @import("../linux/netns_setup.zig");
const header = @import("../header.zig");

comptime {
    header.expectLayout(relay.Listener, header.c.struct_cordon_linux_relay_listener);
}

export fn cordon_linux_relay_start(control: i32, listeners: [*]const u8, listeners_len: usize) abi.Status {
    const size = @sizeOf(relay.Listener);
    if (control < 0 or listeners_len % size != 0 or listeners_len / size > relay.max_listeners) return abi.Error.invalid_argument.status();
    if (listeners_len > 0 and @intFromPtr(listeners) % 4 != 0) return abi.Error.invalid_argument.status();
    const table: [*]const relay.Listener = @ptrCast(@alignCast(listeners));
    const list = table[0 .. listeners_len / size];
    for (list) |l| if (l.fd < 0 or l.kind < relay.listener_dns_udp or l.kind > relay.listener_proxy) return abi.Error.invalid_argument.status();
    return relay.start(control, list);
}

export fn cordon_linux_recv_fds(sock: i32, data: [*]u8, data_len: usize, fds: [*]u8, fds_len: usize) abi.Status {
    if (sock < 0 or data_len == 0 or fds_len % 4 != 0 or @intFromPtr(fds) % 4 != 0) return abi.Error.invalid_argument.status();
    const out: [*]i32 = @ptrCast(@alignCast(fds));
    const rc = netns_setup.receive(sock, data[0..data_len], out[0 .. fds_len / 4]);
    return @import("../linux/sys.zig").status(rc);
}

export fn cordon_linux_relay_listen_loopback(port: [*]u8, port_len: usize) abi.Status {
    if (port_len != 2 or @intFromPtr(port) % 2 != 0) return abi.Error.invalid_argument.status();
    const out: *u16 = @ptrCast(@alignCast(port));
    return @import("../linux/sys.zig").status(relay.listenLoopback(out));
}
