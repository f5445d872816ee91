/**
 * The scenario: a small internet described as data — hosts, addresses, links,
 * DNS zones, users — that a teacher can write by hand and the app can import.
 * It is validated here, and every problem is reported with the path of the
 * field that has it (`hosts[2].addresses[0]: …`), because a scenario file is
 * untrusted input.
 */
import { z } from 'zod';
import { parseIsoTime } from '../core/civil-time.ts';
import { parseIPv4, parseIPv6 } from '../dns/ip.ts';
import { pkcs8KeyType } from '../auth/dkim/der.ts';
import { privateKeyPkcs8 } from '../auth/dkim/pem.ts';

/** Roles a host can play; the map names them on the host. */
export const HOST_ROLES = ['mua', 'msa', 'mta', 'mda', 'imap', 'pop3', 'dns', 'list', 'forwarder'] as const;

const hostName = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
    {
      message: 'must be a host name of letters, digits and hyphens, e.g. mx.example.net',
    },
  );

const address = z.string().refine((a) => parseIPv4(a) !== undefined || parseIPv6(a) !== undefined, {
  message: 'must be an IPv4 or IPv6 address, e.g. 192.0.2.10',
});

const millis = z.number().finite().min(0).max(3_600_000);

/** Switches a lesson may flip on a mail server; every one has a safe default. */
const smtpSettings = z
  .object({
    maxMessageSize: z.number().int().min(1024).max(1_000_000_000).optional(),
    maxRecipients: z.number().int().min(1).max(10_000).optional(),
    idleTimeoutMs: millis.optional(),
    /** Accept AUTH PLAIN/LOGIN before STARTTLS (to show why not). */
    allowAuthWithoutTls: z.boolean().optional(),
    offerStartTls: z.boolean().optional(),
    /** Relay for anyone (to show why not). */
    openRelay: z.boolean().optional(),
    /** End DATA at bare-LF dots too: the SMTP smuggling lesson's vulnerable receiver. */
    lenientEndOfData: z.boolean().optional(),
    vrfy: z.boolean().optional(),
    /** Connections per client address per minute before 421 (0 = no limit). */
    connectionRateLimit: z.number().int().min(0).max(100_000).optional(),
    /** Which DMARC specification the receiving MTA follows (default RFC 9989). */
    dmarcMode: z.enum(['rfc9989', 'rfc7489']).optional(),
  })
  .strict();

const mtaSettings = z
  .object({
    /** First retry delay (Postfix minimal_backoff_time = 300 s). */
    minBackoffMs: millis.optional(),
    /** Longest retry delay (Postfix maximal_backoff_time = 4000 s). */
    maxBackoffMs: z.number().min(0).max(864_000_000).optional(),
    /** Give up and bounce after this long (Postfix maximal_queue_lifetime = 5 days). */
    maxQueueLifetimeMs: z.number().min(0).max(864_000_000).optional(),
  })
  .strict();

const pop3Settings = z
  .object({
    idleTimeoutMs: millis.optional(),
    offerStls: z.boolean().optional(),
    /** USER/PASS, APOP, PLAIN and LOGIN without TLS (default true, for the classroom). */
    allowPlaintextAuth: z.boolean().optional(),
    /** RFC 2449 LOGIN-DELAY, ms between two logins of a user. */
    loginDelayMs: millis.optional(),
  })
  .strict();

const imapSettings = z
  .object({
    idleTimeoutMs: millis.optional(),
    offerStartTls: z.boolean().optional(),
    /** LOGIN and AUTHENTICATE PLAIN/LOGIN without TLS (default true); false advertises LOGINDISABLED. */
    allowPlaintextLogin: z.boolean().optional(),
    maxLiteralSize: z.number().int().min(1024).max(1_000_000_000).optional(),
  })
  .strict();

const zoneText = z
  .union([z.string(), z.array(z.string())])
  .transform((t) => (Array.isArray(t) ? t.join('\n') : t));

/** The JSON shape of a scenario, as zod validates it. */
export const scenarioSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1).max(100),
    description: z.string().max(2000).default(''),
    /** Seeds every random choice in the world (jitter, nonces, message ids). */
    seed: z.union([z.string(), z.number()]).default('mailroom'),
    /** Wall-clock time at virtual time 0, for Date: and Received: headers (ISO 8601, UTC or with offset). */
    startTime: z
      .string()
      .refine((t) => parseIsoTime(t) !== undefined, {
        message: 'must be an ISO time like 2026-11-29T09:00:00Z',
      })
      .default('2026-11-29T09:00:00Z'),
    network: z
      .object({
        defaultLatencyMs: millis.default(20),
        defaultJitterMs: millis.default(0),
      })
      .strict()
      .default({ defaultLatencyMs: 20, defaultJitterMs: 0 }),
    hosts: z
      .array(
        z
          .object({
            id: hostName,
            label: z.string().max(80).optional(),
            addresses: z.array(address).min(1).max(8),
            roles: z.array(z.enum(HOST_ROLES)).default([]),
            /** The organisation the host belongs to; the map groups hosts by it. */
            site: z.string().max(80).optional(),
            /** SMTP server policy and limits (defaults: a stock Postfix). */
            smtp: smtpSettings.optional(),
            /** Outbound queue timing. */
            mta: mtaSettings.optional(),
            /** POP3 server policy. */
            pop3: pop3Settings.optional(),
            /** IMAP server policy. */
            imap: imapSettings.optional(),
          })
          .strict(),
      )
      .min(1)
      .max(64),
    links: z
      .array(
        z
          .object({
            between: z.tuple([hostName, hostName]),
            latencyMs: millis,
            jitterMs: millis.default(0),
          })
          .strict(),
      )
      .default([]),
    dns: z
      .object({
        /** The host that answers every query (authoritative for every zone and the resolvers' server). */
        server: hostName,
        zones: z
          .array(
            z
              .object({
                origin: z.string().min(1).max(253),
                /** The zone in RFC 1035 master-file format; an array is joined with newlines. */
                text: zoneText,
              })
              .strict(),
          )
          .default([]),
      })
      .strict(),
    /**
     * DKIM signing keys (RFC 6376, RFC 8463). The MSA on `signer` signs a
     * submitted message with every key whose `domain` is the From domain or a
     * parent of it. The private key sits in the scenario file on purpose: this
     * is a lab, and fixed keys keep runs reproducible (STYLE.md §S3).
     */
    dkim: z
      .array(
        z
          .object({
            domain: hostName,
            selector: z
              .string()
              .regex(
                /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/,
                {
                  message: 'must be a selector of letters, digits and hyphens, e.g. rsa2026',
                },
              ),
            algorithm: z.enum(['rsa-sha256', 'ed25519-sha256']),
            /** PKCS#8 or PKCS#1 PEM, or a base64 Ed25519 seed. */
            privateKey: z.string().min(1).max(20_000),
            /** The host whose MSA signs with this key. */
            signer: hostName,
          })
          .strict(),
      )
      .default([]),
    users: z
      .array(
        z
          .object({
            address: z
              .string()
              .regex(/^[^@\s]+@[^@\s]+$/, { message: 'must be an address like bob@example.net' }),
            password: z.string().min(1).max(200),
            /** The host that keeps this user's mailbox (and is their submission server unless `submission` says otherwise). */
            host: hostName,
            name: z.string().max(100).optional(),
            /** The host whose mail program this user uses. */
            mua: hostName.optional(),
            /** The submission server (MSA) the user's mail program sends through. */
            submission: hostName.optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    const ids = new Set<string>();
    const addresses = new Set<string>();
    s.hosts.forEach((h, i) => {
      if (ids.has(h.id))
        ctx.addIssue({ code: 'custom', path: ['hosts', i, 'id'], message: `duplicate host '${h.id}'` });
      ids.add(h.id);
      h.addresses.forEach((a, j) => {
        if (addresses.has(a))
          ctx.addIssue({
            code: 'custom',
            path: ['hosts', i, 'addresses', j],
            message: `address ${a} is used twice`,
          });
        addresses.add(a);
      });
    });
    const known = (path: (string | number)[], id: string) => {
      if (!ids.has(id)) ctx.addIssue({ code: 'custom', path, message: `no host '${id}' in hosts` });
    };
    s.links.forEach((l, i) => {
      known(['links', i, 'between', 0], l.between[0]);
      known(['links', i, 'between', 1], l.between[1]);
      if (l.between[0] === l.between[1])
        ctx.addIssue({
          code: 'custom',
          path: ['links', i, 'between'],
          message: 'a link joins two different hosts',
        });
    });
    known(['dns', 'server'], s.dns.server);
    s.dkim.forEach((k, i) => {
      known(['dkim', i, 'signer'], k.signer);
      const pkcs8 = privateKeyPkcs8(k.privateKey);
      const type = pkcs8 && pkcs8KeyType(pkcs8);
      const wanted = k.algorithm === 'rsa-sha256' ? 'rsa' : 'ed25519';
      if (type !== wanted)
        ctx.addIssue({
          code: 'custom',
          path: ['dkim', i, 'privateKey'],
          message:
            type === undefined
              ? 'must be a PEM private key (PKCS#8 or PKCS#1) or a base64 Ed25519 seed'
              : `${k.algorithm} needs an ${wanted} key, but this key is ${type}`,
        });
    });
    const users = new Set<string>();
    s.users.forEach((u, i) => {
      known(['users', i, 'host'], u.host);
      if (u.mua) known(['users', i, 'mua'], u.mua);
      if (u.submission) known(['users', i, 'submission'], u.submission);
      const key = u.address.toLowerCase();
      if (users.has(key))
        ctx.addIssue({
          code: 'custom',
          path: ['users', i, 'address'],
          message: `duplicate user ${u.address}`,
        });
      users.add(key);
    });
  });

/** A validated scenario, defaults filled in. */
export type Scenario = z.output<typeof scenarioSchema>;
/** A scenario as written in a file (defaults may be omitted). */
export type ScenarioInput = z.input<typeof scenarioSchema>;

/** Thrown by {@link parseScenario}: every problem, each with the path of its field. */
export class ScenarioError extends Error {
  constructor(readonly problems: readonly { path: string; message: string }[]) {
    super(`invalid scenario:\n${problems.map((p) => `  ${p.path || '(root)'}: ${p.message}`).join('\n')}`);
    this.name = 'ScenarioError';
  }
}

/** Validates untrusted scenario data; throws {@link ScenarioError} naming each bad field. */
export function parseScenario(data: unknown): Scenario {
  const result = scenarioSchema.safeParse(data);
  if (result.success) return result.data;
  throw new ScenarioError(
    result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
  );
}

/** `['hosts', 2, 'addresses', 0]` → `hosts[2].addresses[0]`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out;
}
