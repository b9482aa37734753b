export {};
// Prints "tests failures skipped" from a bun test JUnit report. Skipped tests
// are listed so that no skip goes unseen, then failed ones with the first
// lines of their message: last, so that a log cut to its tail still names them.
const xml = await Bun.file(Bun.argv[2]!).text();
const head = xml.match(/<testsuites[^>]*\btests="(\d+)"[^>]*\bfailures="(\d+)"[^>]*\bskipped="(\d+)"/);
if (!head) throw new Error("no <testsuites> summary in the JUnit report");
const text = (s: string) =>
  s.replaceAll("&#10;", "\n").replaceAll("&apos;", "'").replaceAll("&quot;", '"')
    .replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");
// A self-closing <testcase .../> has no body (and must not take the next one's).
const cases = [...xml.matchAll(/<testcase name="([^"]*)"[^>]*file="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)]
  .map(([, name, file, , body]) => [name, file, body ?? ""] as const);
for (const [name, file, body] of cases) {
  if (/^\s*<skipped/.test(body)) console.error(`skipped: ${file}: ${text(name!)}`);
}
for (const [name, file, body] of cases) {
  const failure = body.match(/<failure[^>]*message="([^"]*)"[^>]*>([\s\S]*?)<\/failure>/);
  if (!failure) continue;
  const detail = text(failure[2] || failure[1]!).split("\n").filter((l) => l.trim()).slice(0, 12);
  console.error(`FAILED: ${file}: ${text(name!)}\n${detail.map((l) => `    ${l}`).join("\n")}`);
}
console.log(`${head[1]} ${head[2]} ${head[3]}`);
