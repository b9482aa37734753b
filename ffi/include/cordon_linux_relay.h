/* cordon_linux_relay.h — the egress relay: one native thread per process, serving each sandbox as a session, that owns sockets made in the sandbox's network namespace and moves bytes, while every decision is the caller's. */
#ifndef CORDON_LINUX_RELAY_H
#define CORDON_LINUX_RELAY_H

/*
 * The caller and the relay thread talk over `control`, a stream socket whose
 * other end the caller reads and writes on its own event loop: records of a
 * struct cordon_linux_relay_header (16 bytes) and a body,
 * host byte order. Addresses in bodies are 20 bytes: family (4 or 6), 0, a
 * uint16_t port (host order), 16 address bytes (IPv4 in the first 4).
 *
 * Events (relay → caller):
 *   DNS       id: the query's; aux: the listener's tag; body: the query as received (UDP, or one TCP message without its length)
 *   ACCEPT    id: a connection on a TRANSPARENT listener; aux: tag; body: the address it was made to (getsockname)
 *   HEAD      id: a connection on a PROXY listener; aux: tag; body: its request head up to the blank line
 *   CONNECTED id; aux: 0, or the errno of the upstream connect
 *   CLOSED    id; body: uint64_t bytes client→upstream, upstream→client (not for TCP DNS connections)
 * Commands (caller → relay), ignored for an id that is no longer waiting:
 *   DNS_REPLY id of a DNS event; body: the answer, sent from the listener that got the query
 *   CONNECT   id of an ACCEPT or HEAD; body: address, uint32_t ok_len, uint32_t fail_len, ok bytes,
 *             fail bytes, then bytes for upstream. The relay connects to that address from the caller's
 *             namespace; on success it sends ok bytes to the client, the bytes for upstream and what
 *             followed the head to upstream, then splices both ways (half-close passes through); on
 *             failure it sends fail bytes (none: a reset) and closes.
 *   REFUSE    id; body: bytes for the client before it is closed (none: a reset)
 * A connection waiting for a decision sends nothing upstream. When the caller
 * closes its end of `control`, the thread closes every socket of that session
 * and ends the session (the thread stays for the next).
 */
struct cordon_linux_relay_header {
  uint32_t len;     /* header included */
  uint32_t kind;    /* CORDON_RELAY_EV_* or CORDON_RELAY_CMD_* */
  uint32_t id;
  uint32_t aux;
};
struct cordon_linux_relay_listener {
  int32_t  fd;      /* a socket made by the spawn's netns set-up (or any bound socket) */
  uint32_t kind;    /* CORDON_RELAY_* */
  uint32_t tag;     /* the caller's, echoed in events */
};
#define CORDON_RELAY_DNS_UDP      1
#define CORDON_RELAY_DNS_TCP      2
#define CORDON_RELAY_TRANSPARENT  3
#define CORDON_RELAY_PROXY        4

#define CORDON_RELAY_EV_DNS        1
#define CORDON_RELAY_EV_ACCEPT     2
#define CORDON_RELAY_EV_HEAD       3
#define CORDON_RELAY_EV_CONNECTED  4
#define CORDON_RELAY_EV_CLOSED     5
#define CORDON_RELAY_CMD_DNS_REPLY 101
#define CORDON_RELAY_CMD_CONNECT   102
#define CORDON_RELAY_CMD_REFUSE    103

/** @domain errno — adds a session for one sandbox over `listeners` to the
 * relay thread (made at the first call)
 * (struct cordon_linux_relay_listener[], at most 64). On success the thread
 * owns `control` and every listener fd; on failure the caller still does.
 */
CORDON_API cordon_status cordon_linux_relay_start(int32_t control, const uint8_t *listeners, size_t listeners_len);

/** @domain errno — a listening TCP socket on 127.0.0.1 at a port the kernel
 * picks (non-blocking, close-on-exec), for a relay PROXY listener where the
 * sandbox has no network namespace of its own. Returns the fd; its port
 * (host order) goes into `port` (uint16_t).
 */
CORDON_API cordon_status cordon_linux_relay_listen_loopback(uint8_t *port, size_t port_len);

/** @domain errno — one message from `sock` without waiting (recvmsg with
 * MSG_DONTWAIT | MSG_CMSG_CLOEXEC): its data into `data`, the fds it carried
 * into `fds` (int32_t each; unused entries -1). Returns the data length. A
 * message with more fds than `fds` holds (or truncated) gives -EMSGSIZE and
 * its fds are closed.
 */
CORDON_API cordon_status cordon_linux_recv_fds(int32_t sock, uint8_t *data, size_t data_len, uint8_t *fds, size_t fds_len);

#endif
