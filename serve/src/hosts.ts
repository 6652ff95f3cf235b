// Which Host names the server answers to. A server on localhost is reachable from any web page the user
// opens, under a name the page controls: DNS rebinding points attacker.example at 127.0.0.1, and the page,
// same-origin with attacker.example, reads what the server answers. The browser still sends
// `Host: attacker.example`, so on a loopback bind only loopback names are answered (localhost, *.localhost,
// and IP addresses, which no one can rebind), plus the names an operator lists with --allowed-hosts. A
// server bound to another address answers any name unless --allowed-hosts lists some.
// HTTP/1.1 requires a Host header (RFC 9112 §3.2); its absence is a 400 here, in the JSON shape.
import { isIP } from 'node:net';
import type { MiddlewareHandler } from 'hono';
import { nodeIncoming } from './body.ts';
import { badRequest, misdirected } from './errors.ts';

/** The names (and, with a leading dot, domains) a server answers to; undefined when it answers any. */
export interface HostPolicy {
  names: Set<string>;
  /** '.example.com' entries: example.com and its subdomains. */
  domains: string[];
}

/** An --allowed-hosts entry: a host name, '.domain' for a domain and its subdomains, or '*' for any. */
const ALLOWED_HOST_PATTERN = /^(\*|\.?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*)$/i;

function isLoopbackAddress(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || (isIP(bare) === 4 && bare.startsWith('127.'));
}

/**
 * The policy for a server bound to `bindHost` with the operator's extra names (--allowed-hosts, checked
 * here); undefined = any Host.
 */
export function hostPolicy(bindHost: string, allowedHosts: readonly string[]): HostPolicy | undefined {
  const bad = allowedHosts.find((h) => !ALLOWED_HOST_PATTERN.test(h));
  if (bad !== undefined) throw new Error(`--allowed-hosts: '${bad}' is not a host name; give names such as app.example, .example.com for a domain, or * for any`);
  if (allowedHosts.includes('*')) return undefined;
  if (allowedHosts.length === 0 && !isLoopbackAddress(bindHost)) return undefined;
  const lower = allowedHosts.map((h) => h.toLowerCase());
  return { names: new Set(lower.filter((h) => !h.startsWith('.'))), domains: lower.filter((h) => h.startsWith('.')) };
}

function isAnswered(policy: HostPolicy, hostname: string): boolean {
  const name = hostname.replace(/\.$/, '');
  if (isIP(name.replace(/^\[|\]$/g, '')) !== 0) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  return policy.names.has(name) || policy.domains.some((d) => name === d.slice(1) || name.endsWith(d));
}

/** Refuses requests whose Host the policy does not answer (421), and HTTP/1.1 requests without Host (400). */
export function checkHost(policy: HostPolicy | undefined): MiddlewareHandler {
  return async function checkHostMiddleware(c, next) {
    const incoming = nodeIncoming(c);
    if (incoming && incoming.httpVersion === '1.1' && incoming.headers.host === undefined) {
      throw badRequest('the request has no Host header, which HTTP/1.1 requires; send Host: <name>[:<port>]');
    }
    // The URL's host is the Host header (or the absolute request target), already checked as a URL authority.
    const hostname = new URL(c.req.url).hostname;
    if (policy && !isAnswered(policy, hostname)) {
      const shown = hostname.length > 100 ? `${hostname.slice(0, 100)}…` : hostname;
      throw misdirected(`this server does not answer for host '${shown}'; it answers localhost and IP addresses${policy.names.size + policy.domains.length > 0 ? ` and ${[...policy.names, ...policy.domains].join(', ')}` : ''} (add names with --allowed-hosts)`);
    }
    await next();
  };
}
