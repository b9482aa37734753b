# The command of cordon audit's report-file rows, run by `cordon run
# --allow-write=W --report=W/report.json`: as a hostile command would, it
# replaces the report path with a symlink to a file outside every grant, or
# with a FIFO, and exits. The supervisor then looks at that outside file and
# at what cordon did. argv[1]: {"mode": "symlink"|"fifo", "report", "target"}.
import json, os, sys, time

cfg = json.loads(sys.argv[1])
path = cfg["report"]

# Swap after cordon's first write when there is one, as an attacker would wait.
deadline = time.monotonic() + 1
while time.monotonic() < deadline:
    try:
        if os.lstat(path).st_size > 0:
            break
    except OSError:
        pass
    time.sleep(0.01)
try:
    os.unlink(path)
except FileNotFoundError:
    pass
if cfg["mode"] == "symlink":
    os.symlink(cfg["target"], path)
else:
    os.mkfifo(path, 0o600)
print(json.dumps({"swapped": cfg["mode"]}), flush=True)
