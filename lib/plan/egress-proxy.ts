// The variables that point a command's proxy-aware clients at cordon's
// egress proxy (both spellings; curl reads only the lowercase http_proxy).
// Pure.

/** Linux: the sandbox's own loopback holds granted local services, reached without the proxy. */
export const LINUX_NO_PROXY = "localhost,127.0.0.1,::1";

/**
 * HTTP(S)_PROXY for cordon's proxy on 127.0.0.1:`port`, and NO_PROXY.
 * Where the OS sandbox lets the command reach the proxy's port only (macOS,
 * Windows), NO_PROXY is empty: a granted localhost service is reached
 * through the proxy too, and a caller's NO_PROXY would only send clients
 * where they are blocked.
 */
export function proxyEnv(port: number, noProxy = ""): Record<string, string> {
  const proxy = `http://127.0.0.1:${port}`;
  return { HTTP_PROXY: proxy, HTTPS_PROXY: proxy, http_proxy: proxy, https_proxy: proxy, NO_PROXY: noProxy, no_proxy: noProxy };
}
