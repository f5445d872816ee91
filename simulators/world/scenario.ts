/**
 * The scenario: a small internet described as data — hosts, addresses, links,
 * DNS zones, users — that a teacher can write by hand and the app can import.
 * It is validated here, and every problem is reported with the path of the
 * field that has it (`hosts[2].addresses[0]: …`), because a scenario file is
 * untrusted input.
 *
 * zod's tree-shakable "mini" build: the full one would be a third of the
 * app's first-load JavaScript on its own.
 */
import * as z from 'zod/mini';
import { en } from 'zod/v4/locales';
import { parseIsoTime } from '../core/civil-time.ts';
import { parseIPv4, parseIPv6 } from '../dns/ip.ts';
import { pkcs8KeyType } from '../auth/dkim/der.ts';
import { privateKeyPkcs8 } from '../auth/dkim/pem.ts';

// Readable messages for the built-in checks ("Too small: expected array to have >=1 items").
z.config(en());

/** Roles a host can play; the map names them on the host. */
export const HOST_ROLES = ['mua', 'msa', 'mta', 'mda', 'imap', 'pop3', 'dns', 'list', 'forwarder'] as const;

const text = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
const integer = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));
const number = (min: number, max: number) => z.number().check(z.gte(min), z.lte(max));
const flag = z.optional(z.boolean());

const hostName = z.string().check(
  z.minLength(1),
  z.maxLength(253),
  z.regex(
    /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
    {
      error: 'must be a host name of letters, digits and hyphens, e.g. mx.example.net',
    },
  ),
);

const address = z.string().check(
  z.refine((a: string) => parseIPv4(a) !== undefined || parseIPv6(a) !== undefined, {
    error: 'must be an IPv4 or IPv6 address, e.g. 192.0.2.10',
  }),
);

const millis = number(0, 3_600_000);

const mailbox = z
  .string()
  .check(z.regex(/^[^@\s]+@[^@\s]+$/, { error: 'must be an address like bob@example.net' }));

/** DMARC aggregate reports a receiving MTA sends (RFC 9990); present means on. */
const dmarcReportSettings = z.strictObject({
  /** `org_name` (default: the domain of `email`). */
  orgName: z.optional(text(1, 100)),
  /** Contact and sender address (default: `dmarc-noreply@` the host's first local domain). */
  email: z.optional(mailbox),
  /** Reporting interval (default one day, aligned on UTC midnight). */
  intervalMs: z.optional(integer(60_000, 7 * 86_400_000)),
});

/** A stream of background mail (agents/traffic.ts). */
const trafficStream = z.strictObject({
  /** Send as this user, through their mail program … */
  user: z.optional(mailbox),
  /** … or from this host's own MTA, as a platform or a script would. */
  host: z.optional(hostName),
  /** Host streams: the From field, e.g. `Example News <news@example.com>`. */
  from: z.optional(text(3, 200)),
  /** Host streams: the envelope sender (default: the From address). */
  mailFrom: z.optional(mailbox),
  /** Host streams: DKIM keys of the scenario, signed by this host, to sign with. */
  dkim: z._default(z.array(z.strictObject({ domain: hostName, selector: text(1, 63) })), []),
  to: z.array(mailbox).check(z.minLength(1), z.maxLength(10)),
  subject: text(0, 200),
  body: z._default(text(0, 10_000), ''),
  /** Virtual ms of the first message. */
  startMs: z._default(number(0, 31 * 86_400_000), 0),
  everyMs: number(1000, 31 * 86_400_000),
  count: integer(1, 10_000),
});

/** Switches a lesson may flip on a mail server; every one has a safe default. */
const smtpSettings = z.strictObject({
  maxMessageSize: z.optional(integer(1024, 1_000_000_000)),
  maxRecipients: z.optional(integer(1, 10_000)),
  idleTimeoutMs: z.optional(millis),
  /** Accept AUTH PLAIN/LOGIN before STARTTLS (to show why not). */
  allowAuthWithoutTls: flag,
  offerStartTls: flag,
  /** Relay for anyone (to show why not). */
  openRelay: flag,
  /** End DATA at bare-LF dots too: the SMTP smuggling lesson's vulnerable receiver. */
  lenientEndOfData: flag,
  vrfy: flag,
  /** Connections per client address per minute before 421 (0 = no limit). */
  connectionRateLimit: z.optional(integer(0, 100_000)),
  /** Which DMARC specification the receiving MTA follows (default RFC 9989). */
  dmarcMode: z.optional(z.enum(['rfc9989', 'rfc7489'])),
  /** Local DMARC policy: quarantine what a policy says to reject (reported as local_policy). */
  dmarcRejectAsQuarantine: flag,
  /** Local DMARC policy: forwarders whose failing mail is delivered (reported as trusted_forwarder). */
  dmarcTrustedForwarders: z.optional(z.array(address).check(z.maxLength(64))),
});

const mtaSettings = z.strictObject({
  /** First retry delay (Postfix minimal_backoff_time = 300 s). */
  minBackoffMs: z.optional(millis),
  /** Longest retry delay (Postfix maximal_backoff_time = 4000 s). */
  maxBackoffMs: z.optional(number(0, 864_000_000)),
  /** Give up and bounce after this long (Postfix maximal_queue_lifetime = 5 days). */
  maxQueueLifetimeMs: z.optional(number(0, 864_000_000)),
});

const pop3Settings = z.strictObject({
  idleTimeoutMs: z.optional(millis),
  offerStls: flag,
  /** USER/PASS, APOP, PLAIN and LOGIN without TLS (default true, for the classroom). */
  allowPlaintextAuth: flag,
  /** RFC 2449 LOGIN-DELAY, ms between two logins of a user. */
  loginDelayMs: z.optional(millis),
});

const userAddress = z
  .string()
  .check(z.regex(/^[^@\s]+@[^@\s]+$/, { error: 'must be an address like bob@example.net' }));

/** RFC 9208 quota of one user's mailboxes; a limit left out is no limit. */
const quotaSettings = z.strictObject({
  /** STORAGE, in KiB (units of 1024 octets, RFC 9208 §5.1). */
  storageKiB: z.optional(integer(0, 1_000_000_000)),
  /** MESSAGE: how many messages all the user's mailboxes may hold (RFC 9208 §5.2). */
  messages: z.optional(integer(0, 1_000_000_000)),
});

const imapSettings = z.strictObject({
  idleTimeoutMs: z.optional(millis),
  offerStartTls: flag,
  /** LOGIN and AUTHENTICATE PLAIN/LOGIN without TLS (default true); false advertises LOGINDISABLED. */
  allowPlaintextLogin: flag,
  maxLiteralSize: z.optional(integer(1024, 1_000_000_000)),
  /** Users who may change quotas with SETQUOTA (RFC 9208 §4.1.3); nobody by default. */
  quotaAdmins: z.optional(z.array(userAddress).check(z.maxLength(100))),
});

/** RFC 5321 §3.9.1: mail to `address` goes on to `to`, the envelope sender unchanged (a .forward, a Postfix virtual alias). */
const aliasSettings = z.strictObject({
  address: mailbox,
  to: z.array(mailbox).check(z.minLength(1), z.maxLength(100)),
});

/** RFC 5321 §3.9.2: a mailing list re-sends to its members from its own bounce address. */
const listSettings = z.strictObject({
  address: mailbox,
  members: z.array(mailbox).check(z.maxLength(1000)),
  /** Text the list appends to every message's body (it breaks the author's DKIM body hash). */
  footer: z.optional(text(1, 2000)),
  /** A tag put before the Subject, e.g. `[club]` (it breaks DKIM when Subject is signed). */
  subjectTag: z.optional(text(1, 40)),
  /** Write the list's own address in From: and the author's in Reply-To: (DMARC mitigation, RFC 7960 §4.1.3). */
  rewriteFrom: flag,
});

const zoneText = z.pipe(
  z.union([z.string(), z.array(z.string())]),
  z.transform((t: string | string[]) => (Array.isArray(t) ? t.join('\n') : t)),
);

/** The JSON shape of a scenario, as zod validates it. */
export const scenarioSchema = z
  .strictObject({
    $schema: z.optional(z.string()),
    name: text(1, 100),
    description: z._default(text(0, 2000), ''),
    /** Seeds every random choice in the world (jitter, nonces, message ids). */
    seed: z._default(z.union([z.string(), z.number()]), 'mailroom'),
    /** Wall-clock time at virtual time 0, for Date: and Received: headers (ISO 8601, UTC or with offset). */
    startTime: z._default(
      z.string().check(
        z.refine((t: string) => parseIsoTime(t) !== undefined, {
          error: 'must be an ISO time like 2026-11-29T09:00:00Z',
        }),
      ),
      '2026-11-29T09:00:00Z',
    ),
    network: z._default(
      z.strictObject({
        defaultLatencyMs: z._default(millis, 20),
        defaultJitterMs: z._default(millis, 0),
      }),
      { defaultLatencyMs: 20, defaultJitterMs: 0 },
    ),
    hosts: z
      .array(
        z.strictObject({
          id: hostName,
          label: z.optional(text(0, 80)),
          addresses: z.array(address).check(z.minLength(1), z.maxLength(8)),
          roles: z._default(z.array(z.enum(HOST_ROLES)), []),
          /** The organisation the host belongs to; the map groups hosts by it. */
          site: z.optional(text(0, 80)),
          /** SMTP server policy and limits (defaults: a stock Postfix). */
          smtp: z.optional(smtpSettings),
          /** Outbound queue timing. */
          mta: z.optional(mtaSettings),
          /** POP3 server policy. */
          pop3: z.optional(pop3Settings),
          /** IMAP server policy. */
          imap: z.optional(imapSettings),
          /** Addresses this host forwards (a host with the `forwarder` role). */
          aliases: z.optional(z.array(aliasSettings).check(z.maxLength(1000))),
          /** Mailing lists this host runs (a host with the `list` role). */
          lists: z.optional(z.array(listSettings).check(z.maxLength(100))),
          /** Send DMARC aggregate reports for the mail this host's MTA receives. */
          dmarcReports: z.optional(dmarcReportSettings),
        }),
      )
      .check(z.minLength(1), z.maxLength(64)),
    links: z._default(
      z.array(
        z.strictObject({
          between: z.tuple([hostName, hostName]),
          latencyMs: millis,
          jitterMs: z._default(millis, 0),
        }),
      ),
      [],
    ),
    dns: z.strictObject({
      /** The host that answers every query (authoritative for every zone and the resolvers' server). */
      server: hostName,
      zones: z._default(
        z.array(
          z.strictObject({
            origin: text(1, 253),
            /** The zone in RFC 1035 master-file format; an array is joined with newlines. */
            text: zoneText,
          }),
        ),
        [],
      ),
    }),
    /**
     * DKIM signing keys (RFC 6376, RFC 8463). The MSA on `signer` signs a
     * submitted message with every key whose `domain` is the From domain or a
     * parent of it. The private key sits in the scenario file on purpose: this
     * is a lab, and fixed keys keep runs reproducible (STYLE.md §S3).
     */
    dkim: z._default(
      z.array(
        z.strictObject({
          domain: hostName,
          selector: z.string().check(
            z.regex(
              /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/,
              {
                error: 'must be a selector of letters, digits and hyphens, e.g. rsa2026',
              },
            ),
          ),
          algorithm: z.enum(['rsa-sha256', 'ed25519-sha256']),
          /** PKCS#8 or PKCS#1 PEM, or a base64 Ed25519 seed. */
          privateKey: text(1, 20_000),
          /** The host whose MSA signs with this key. */
          signer: hostName,
        }),
      ),
      [],
    ),
    users: z._default(
      z.array(
        z.strictObject({
          address: userAddress,
          password: text(1, 200),
          /** The host that keeps this user's mailbox (and is their submission server unless `submission` says otherwise). */
          host: hostName,
          name: z.optional(text(0, 100)),
          /** The host whose mail program this user uses. */
          mua: z.optional(hostName),
          /** The submission server (MSA) the user's mail program sends through. */
          submission: z.optional(hostName),
          /** Limits on the user's mailboxes (RFC 9208 QUOTA); none by default. */
          quota: z.optional(quotaSettings),
          /** Forward this user's mail to these addresses instead of storing it (a `.forward`). */
          forwardTo: z.optional(z.array(mailbox).check(z.minLength(1), z.maxLength(10))),
        }),
      ),
      [],
    ),
    /** Background mail, sent at a steady rate as virtual time passes. */
    traffic: z._default(z.array(trafficStream).check(z.maxLength(32)), []),
  })
  .check(
    z.superRefine((s, ctx) => {
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
      s.traffic.forEach((t, i) => {
        const path = (...rest: (string | number)[]) => ['traffic', i, ...rest];
        if ((t.user === undefined) === (t.host === undefined))
          ctx.addIssue({ code: 'custom', path: path(), message: 'a stream has either a user or a host' });
        if (t.user !== undefined) {
          const u = s.users.find((x) => x.address.toLowerCase() === t.user?.toLowerCase());
          if (u?.mua === undefined)
            ctx.addIssue({
              code: 'custom',
              path: path('user'),
              message: `${t.user} has no mail program (mua)`,
            });
          if (t.from !== undefined || t.mailFrom !== undefined || t.dkim.length > 0)
            ctx.addIssue({
              code: 'custom',
              path: path('user'),
              message: 'from, mailFrom and dkim are for host streams; a user sends as themselves',
            });
        }
        if (t.host !== undefined) {
          const h = s.hosts.find((x) => x.id === t.host);
          if (!h?.roles.includes('mta'))
            ctx.addIssue({
              code: 'custom',
              path: path('host'),
              message: `no host '${t.host}' with the mta role`,
            });
          t.dkim.forEach((k, j) => {
            if (
              !s.dkim.some((d) => d.domain === k.domain && d.selector === k.selector && d.signer === t.host)
            )
              ctx.addIssue({
                code: 'custom',
                path: path('dkim', j),
                message: `no DKIM key ${k.selector}._domainkey.${k.domain} signed by ${t.host} in dkim`,
              });
          });
        }
      });
    }),
  );

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
