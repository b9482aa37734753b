// Flag values TypeScript passes to the macOS and FreeBSD exports must equal the
// header's #defines (which carry <sys/event.h> and <sys/procctl.h> values).
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { NOTE as DARWIN_NOTE } from "../../ffi/darwin.ts";
import { NOTE as FREEBSD_NOTE, REAPER_KILL, RIGHT } from "../../ffi/freebsd.ts";

const include = join(import.meta.dir, "..", "..", "ffi", "include");
const defines = (file: string) =>
  new Map([...readFileSync(join(include, file), "utf8").matchAll(/#define (CORDON_\w+)\s+(0x[0-9a-fA-F]+)u/g)].map((m) => [m[1]!, Number(m[2])]));

describe("header constants", () => {
  test("macOS NOTE_* flags", () => {
    const h = defines("cordon_darwin.h");
    for (const [k, v] of Object.entries(DARWIN_NOTE)) expect({ k, v: h.get(`CORDON_DARWIN_NOTE_${k}`) }).toEqual({ k, v });
  });

  test("FreeBSD NOTE_*, REAPER_KILL_* and rights bits", () => {
    const h = defines("cordon_freebsd.h");
    for (const [k, v] of Object.entries(FREEBSD_NOTE)) expect({ k, v: h.get(`CORDON_FREEBSD_NOTE_${k}`) }).toEqual({ k, v });
    for (const [k, v] of Object.entries(REAPER_KILL)) expect({ k, v: h.get(`CORDON_FREEBSD_REAPER_KILL_${k}`) }).toEqual({ k, v });
    for (const [k, v] of Object.entries(RIGHT)) expect({ k, v: h.get(`CORDON_FREEBSD_RIGHT_${k}`) }).toEqual({ k, v });
  });
});
