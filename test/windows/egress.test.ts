// Host grants on Windows (lib/plan/windows/egress.ts): WFP filters on the
// sandbox's SID that leave TCP to cordon's proxy on loopback only (a
// remote-address condition, 127.0.0.1 and ::1 exactly), and the firewall's
// loopback exemption that lets an AppContainer reach it. The native record
// checks run under Wine too; what needs the filtering engine or an
// AppContainer skips under Wine with what Wine was measured to do
// (lib/plan/windows/wine.ts) and needs an elevated token on Windows.
import { expect } from "bun:test";
import { createServer, type Server } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { windows } from "../../ffi/windows.ts";
import { CORDON_E } from "../../ffi/status.ts";
import { appContainerSid, deleteAppContainer, tokenInfo } from "../../ffi/windows-token.ts";
import { IPPROTO_TCP, WFP_LAYER, addWfpFilter, closeWfp, exemptLoopback, openWfp, unexemptLoopback, wfpFilterRecord, type WfpFilterSpec } from "../../ffi/windows-wfp.ts";
import { cordon_windows_wfp_filter as REC } from "../../ffi/generated/windows-layouts.ts";
import { run } from "../../lib/spawn.ts";
import { describeUnless, testUnless } from "../helpers/skip.ts";
import { bunExe, cleanupAfterEach, lacking, notWindows } from "./support.ts";

const T = 60_000;
const needsAdmin = (...m: Parameters<typeof lacking>) => lacking(...m) ?? (tokenInfo().elevated ? undefined : "needs an elevated (administrator) token");
const cleanup = cleanupAfterEach();

/** What cordon_windows_wfp_add_filter answers for `record`, on no engine: only its own checks can answer before the engine is asked. */
function addRaw(record: Uint8Array): number {
  const id = new BigUint64Array(1);
  return windows().cordon_windows_wfp_add_filter(0n, record, record, id, id);
}

function listen(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((s) => s.end("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"));
    server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

describeUnless(notWindows, "host grants on Windows: the WFP record and the loopback exemption", () => {
  testUnless(undefined, "the native filter call refuses a loopback condition on a listen layer, an unknown remote_address and nonzero reserved bytes, before the engine is asked", () => {
    const listenLoopback = wfpFilterRecord({ layer: WFP_LAYER.LISTEN_V4, action: "permit", remoteLoopback: true }).record;
    expect(addRaw(listenLoopback)).toBe(CORDON_E.INVALID_ARGUMENT);
    const unknown = wfpFilterRecord({ layer: WFP_LAYER.CONNECT_V4, action: "permit" }).record;
    unknown[REC.offset.remote_address] = 2;
    expect(addRaw(unknown)).toBe(CORDON_E.INVALID_ARGUMENT);
    const reserved = wfpFilterRecord({ layer: WFP_LAYER.CONNECT_V6, action: "permit", remoteLoopback: true }).record;
    reserved[REC.offset.reserved + 1] = 1;
    expect(addRaw(reserved)).toBe(CORDON_E.INVALID_ARGUMENT);
    // The short record of an older caller: refused whole.
    expect(addRaw(new Uint8Array(REC.size - 8))).toBe(CORDON_E.ABI_MISMATCH);
  });

  testUnless(needsAdmin("appcontainer", "wfp"), "the filtering engine takes the loopback-only permits (127.0.0.1 on v4, ::1 on v6) beside block filters on a package SID", () => {
    const name = `cordon.egress.${process.pid}`;
    const sid = appContainerSid(name);
    cleanup.push(() => deleteAppContainer(name));
    const engine = openWfp();
    cleanup.push(() => closeWfp(engine));
    for (const layer of [WFP_LAYER.CONNECT_V4, WFP_LAYER.CONNECT_V6]) {
      const block: WfpFilterSpec = { layer, action: "block", weight: 1, packageSid: sid };
      expect(addWfpFilter(engine, block)).toBeGreaterThan(0n);
      expect(addWfpFilter(engine, { layer, action: "permit", weight: 15, remotePort: 40123, protocol: IPPROTO_TCP, remoteLoopback: true, packageSid: sid })).toBeGreaterThan(0n);
    }
  }, T);

  testUnless(needsAdmin("appcontainer", "wfp"), "the loopback exemption takes a package SID once and gives it back, leaving the list as it was", () => {
    const name = `cordon.loopback.${process.pid}`;
    const sid = appContainerSid(name);
    cleanup.push(() => deleteAppContainer(name));
    cleanup.push(() => void unexemptLoopback(sid));
    expect(unexemptLoopback(sid)).toBe(0); // a fresh profile: not on the list
    expect(exemptLoopback(sid)).toBe(false); // added
    expect(exemptLoopback(sid)).toBe(true); // already there: not added twice
    expect(unexemptLoopback(sid)).toBe(1);
    expect(unexemptLoopback(sid)).toBe(0);
  }, T);

  testUnless(needsAdmin("appcontainer", "wfp"), "a sandbox with a host grant reaches the granted loopback listener through cordon's proxy only: direct connects to it and to another port fail", async () => {
    const granted = await listen();
    const other = await listen();
    cleanup.push(() => void granted.server.close());
    cleanup.push(() => void other.server.close());
    const cwd = mkdtempSync(join(tmpdir(), "cordon-egress-"));
    cleanup.push(() => rmSync(cwd, { recursive: true, force: true }));
    const script = `
      const net = require("node:net");
      const connect = (port, send) => new Promise((done) => {
        const s = net.connect(port, "127.0.0.1");
        let got = "";
        s.on("connect", () => (send ? s.write(send) : (s.destroy(), done("open"))));
        s.on("data", (d) => (got += d));
        s.on("end", () => done(got.split("\\r\\n")[0]));
        s.on("error", (e) => done(e.code ?? "error"));
        setTimeout(() => (s.destroy(), done("timeout")), 10000);
      });
      const proxy = Number(new URL(process.env.HTTP_PROXY).port);
      const url = "http://127.0.0.1:${granted.port}/";
      console.log(JSON.stringify({
        granted: await connect(${granted.port}),
        other: await connect(${other.port}),
        proxied: await connect(proxy, "GET " + url + " HTTP/1.1\\r\\nHost: 127.0.0.1:${granted.port}\\r\\nConnection: close\\r\\n\\r\\n"),
      }));`;
    const r = await run([bunExe, "-e", script], { compat: "best-effort", cwd, fs: { read: [dirname(bunExe), cwd], write: [] }, net: { hosts: [`127.0.0.1:${granted.port}`] } });
    const seen = JSON.parse(r.stdout.trim());
    expect(seen.granted).not.toBe("open");
    expect(seen.other).not.toBe("open");
    expect(seen.proxied).toBe("HTTP/1.1 200 OK");
    expect(r.report.guarantees.find((g) => g.guarantee === "net.hosts-only")?.status).toBe("partial");
  }, T);
});
