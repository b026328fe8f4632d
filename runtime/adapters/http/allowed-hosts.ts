/**
 * Which `Host` headers a local server answers. A web page the developer has open can send
 * requests to 127.0.0.1, and through DNS rebinding even read the answers as if same-origin; in
 * both cases its `Host` is the page's own name, never a loopback name with this server's port.
 * So only the names a client of this machine uses are served: the listening host and the loopback
 * names, each with the port, plus whatever the configuration adds (e.g. a LAN name when
 * listening on 0.0.0.0).
 */
export function allowedHostsFor(host: string, port: number, extra: readonly string[] = []): string[] {
  const names = [host.includes(':') ? `[${host}]` : host, '127.0.0.1', 'localhost', '[::1]'];
  const withPort = names.map((n) => `${n}:${port}`);
  // A client leaves the port out when it is the scheme's default.
  if (port === 80) withPort.push(...names);
  return [...new Set([...withPort, ...extra].map((h) => h.toLowerCase()))];
}

export function isAllowedHost(header: string | string[] | undefined, allowed: readonly string[]): boolean {
  return typeof header === 'string' && allowed.includes(header.trim().toLowerCase());
}
