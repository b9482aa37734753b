# The client side of bench/egress.ts, run inside a sandbox: connect latency
# (lookup + connect + one echoed byte, per connect) and the throughput of one
# large transfer. Prints one JSON object.
import json, socket, sys, time

mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
if mode == "latency":
    out = []
    for _ in range(int(sys.argv[4])):
        t = time.perf_counter()
        addr = socket.getaddrinfo(host, port, socket.AF_INET, socket.SOCK_STREAM)[0][4]
        with socket.create_connection(addr, timeout=10) as s:
            s.sendall(b"x")
            s.recv(1)
        out.append((time.perf_counter() - t) * 1e6)
    print(json.dumps({"us": out}))
else:
    want = int(sys.argv[4])
    buf = bytearray(1 << 20)
    view = memoryview(buf)
    t = time.perf_counter()
    c = time.process_time()
    with socket.create_connection((host, port), timeout=30) as s:
        s.sendall(b"%d\n" % want)
        got = 0
        first = None
        while got < want:
            n = s.recv_into(view)
            if n == 0:
                break
            if first is None:
                first = time.perf_counter()
            got += n
    dt = time.perf_counter() - t
    cpu = time.process_time() - c
    # "first": until the first byte came (lookup, connect, the request); the rest is the transfer.
    # "cpu": this process's CPU time (user + system) for all of it.
    print(json.dumps({"bytes": got, "s": dt, "first": (first or t) - t, "cpu": cpu}))
