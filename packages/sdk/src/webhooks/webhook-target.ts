import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AgentryError } from '../contract';

// Addresses a webhook must not reach unless the operator allows it: they would let a tenant make
// the server call its own network (SSRF).
const privateRanges = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  privateRanges.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  privateRanges.addSubnet(network, prefix, 'ipv6');
}

/** True when an IP address is loopback, private, link-local, shared, multicast or unspecified. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return privateRanges.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return privateRanges.check(mapped[1]!, 'ipv4');
    return privateRanges.check(address, 'ipv6');
  }
  return true;
}

/** Options of {@link assertWebhookTarget}. */
export interface WebhookTargetPolicy {
  /** Allow loopback and private targets (development, trusted networks). @default false */
  allowPrivateTargets?: boolean;
}

/**
 * Refuses a webhook URL that is not http(s) or that resolves to a non-public address.
 *
 * @throws AgentryError `AGENTRY_WEBHOOK_TARGET_REFUSED`
 */
export async function assertWebhookTarget(url: string, policy: WebhookTargetPolicy = {}): Promise<URL> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw refused(url, 'it is not a URL', error);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw refused(url, 'only http and https are allowed');
  if (parsed.username || parsed.password) throw refused(url, 'credentials in the URL are not allowed');
  if (policy.allowPrivateTargets) return parsed;
  const host = hostOf(parsed);
  const addresses = isIP(host) ? [host] : await resolve(url, host);
  const blocked = addresses.find(isPrivateAddress);
  if (blocked !== undefined) throw refused(url, `${host} resolves to the non-public address ${blocked}`);
  return parsed;
}

/** A URL's host name or address, IPv6 without its brackets. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/**
 * The non-public address a URL names directly (`http://10.0.0.5/`), if it does; undefined for a
 * host name or a public address. Connect-time lookups never see such a URL, so it is checked here.
 */
export function literalPrivateAddress(url: URL): string | undefined {
  const host = hostOf(url);
  return isIP(host) !== 0 && isPrivateAddress(host) ? host : undefined;
}

/**
 * A `lookup` for sockets that refuses non-public addresses at connect time, so a DNS answer that
 * changes after the check (rebinding) cannot reach the private network either.
 */
export function guardedLookup(
  hostname: string,
  options: { all?: boolean; family?: number },
  callback: (error: Error | null, address: string | Array<{ address: string; family: number }>, family?: number) => void,
): void {
  lookup(hostname, { all: true }).then(
    (results) => {
      const blocked = results.find((result) => isPrivateAddress(result.address));
      if (blocked) {
        callback(refused(hostname, `resolves to the non-public address ${blocked.address}`), '', 0);
        return;
      }
      if (options.all) callback(null, results);
      else callback(null, results[0]!.address, results[0]!.family);
    },
    (error: Error) => callback(error, '', 0),
  );
}

async function resolve(url: string, host: string): Promise<string[]> {
  try {
    return (await lookup(host, { all: true })).map((result) => result.address);
  } catch (error) {
    throw refused(url, `${host} does not resolve`, error);
  }
}

function refused(url: string, reason: string, cause?: unknown): AgentryError {
  return new AgentryError('AGENTRY_WEBHOOK_TARGET_REFUSED', `webhook target ${url} refused: ${reason}`, { cause });
}
