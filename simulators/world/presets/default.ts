/**
 * The default world of DESIGN.md: alice@example.com writes to bob@example.net.
 * Addresses come from the documentation ranges only (RFC 5737), so nothing
 * here can be mistaken for a real network.
 */
import type { ScenarioInput } from '../scenario.ts';

const exampleCom = `$ORIGIN example.com.
$TTL 3600
@       IN SOA  ns.example.com. hostmaster.example.com. (
                2026112901 ; serial
                3600       ; refresh
                900        ; retry
                604800     ; expire
                300 )      ; negative-answer TTL (RFC 2308)
        IN NS   ns.example.com.
        IN MX   10 smtp.example.com.
        IN TXT  "v=spf1 ip4:192.0.2.25 -all"
ns      IN A    203.0.113.53
smtp    IN A    192.0.2.25
alice-laptop IN A 192.0.2.10
_dmarc  IN TXT  "v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.com"
; DKIM keys of smtp.example.com (RFC 6376 §3.6.1, RFC 8463 §4.2); the private halves are below.
rsa2026._domainkey IN TXT ( "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA1l31VJDPvYEgk3MzHgIht/NyziOKqv6fMVdYnPJR3Ue3Rd381d4ky4QsyF3O71ojhBYkZ8Hikr/GuAVK562MppC41uKkV+NW4Vj+nhKYzl8zO1m2Q/mZclr9hdWZqP0ILBoi5oRvJtL1N3IbhHAqwl+amav7QPvItnMorbgHtYiD54NUA71FYvbaWEHVFDIo1"
                     "o9oei4tZZH/WctTNE1IgM3oON/7pTp5ymn9z3ZXpqHefL4kdi2kf1IqRAjIRUFEhkZly+nUoPooMwvNlrQSMW6WGLLzveyNyryI3Bz6abX5SyHlcmh6wx60428ovY+Xlb01AWFev1a6FSpdVVSNowIDAQAB" )
ed2026._domainkey  IN TXT "v=DKIM1; k=ed25519; p=+0Z+o7uH4Ou6YswlmPgIIHwyZ/RKH0fn1QE3bRshG3I="
`;

const exampleNet = `$ORIGIN example.net.
$TTL 3600
@       IN SOA  ns.example.com. hostmaster.example.net. (
                2026112901 3600 900 604800 300 )
        IN NS   ns.example.com.
        IN MX   10 mx.example.net.
        IN TXT  "v=spf1 mx -all"
mx      IN A    198.51.100.25
_dmarc  IN TXT  "v=DMARC1; p=none"
imap    IN CNAME mx
pop     IN CNAME mx
bob-laptop IN A 198.51.100.10
`;

// Reverse zones (RFC 1035 §3.5), so that a receiving MTA can name its peer in
// Received: headers and SPF's ptr mechanism has data to find.
const reverse192 = `$ORIGIN 2.0.192.in-addr.arpa.
$TTL 3600
@   IN SOA ns.example.com. hostmaster.example.com. ( 1 3600 900 604800 300 )
    IN NS  ns.example.com.
10  IN PTR alice-laptop.example.com.
25  IN PTR smtp.example.com.
`;

const reverse198 = `$ORIGIN 100.51.198.in-addr.arpa.
$TTL 3600
@   IN SOA ns.example.com. hostmaster.example.net. ( 1 3600 900 604800 300 )
    IN NS  ns.example.com.
10  IN PTR bob-laptop.example.net.
25  IN PTR mx.example.net.
`;

// DKIM private keys, generated once with `openssl genpkey` (RSA-2048 and Ed25519, PKCS#8).
// They are published here on purpose: this is a lab, the keys sign nothing outside it, and a
// learner must be able to sign and verify the very bytes the lessons show (STYLE.md §S3: fixed
// keys in the scenario instead of randomness).
const RSA_2026_KEY = [
  '-----BEGIN PRIVATE KEY-----',
  'MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQDWXfVUkM+9gSCT',
  'czMeAiG383LOI4qq/p8xV1ic8lHdR7dF3fzV3iTLhCzIXc7vWiOEFiRnweKSv8a4',
  'BUrnrYymkLjW4qRX41bhWP6eEpjOXzM7WbZD+ZlyWv2F1Zmo/QgsGiLmhG8m0vU3',
  'chuEcCrCX5qZq/tA+8i2cyituAe1iIPng1QDvUVi9tpYQdUUMijWj2h6Li1lkf9Z',
  'y1M0TUiAzeg43/ulOnnKaf3Pdlemod58viR2LaR/UipECMhFQUSGRmXL6dSg+igz',
  'C82WtBIxbpYYsvO97I3KvIjcHPpptflLIeVyaHrDHrTjbyi9j5eVvTUBYV6/VroV',
  'Kl1VVI2jAgMBAAECggEATsWvGZivJel14YkTDyNkZZbJqLNJyQUQ1Y5NyzqGV6R7',
  'Veq5dpOPfNPAqw5BtRWv+GE0loYaLqfXK5cSS+krxqdmrNwS3RL2wY803TxjN26n',
  'Qld4kSj+uJV0FQKFWSJGJwKhsYiX2bHqlynQr82SAOQlyPN4PAxp2JWfrJp0BsIL',
  'i7GQ2xD4/YJ48HmBkCkrW3vVvUR2VIdc+sUPec3K58rzCLmwcxBWAPxIejNGsBr/',
  '1y6q+kvQQR2f+NGDVdF9Figf5XRdkElbtgfLxSx4WlUb8KOxPsAE9rwIPEbWOEnc',
  'CTkaTHnvd5F5ySqOrxtVKMwmn13t8NOtWW8f9IDKAQKBgQD5LMiSwUGKZ3JbWNjf',
  'V+2Pldgx0bKwGpklD/Y5aYg9zGa5Kb+2A/o9wy+BiIUmGlb1tumgt8IgRbQ7iDvp',
  'eaF9Ushx/hyPbdvEXwUqv+1Zf41/d+JO6AX3S54xKj/pcNNrOQ3eYm/hMekydYU2',
  '3jUsxA/6kUcXV51eQFwzKl3iAQKBgQDcPRn8ABg+EW040s/X2jSKqUxR5ZD2E+ft',
  '79Drpew+VZV5e+ru+GzwUod615wzmdP9mb81zH8aGvNGjLbb5oaJtE49DMmxbb6j',
  'nY/5X7NKEFw22G+Mrzx0rJKvLWwKoUgBZAIp1odaOOZdS/vxdiLS/i6EnV7YZF0a',
  'cbYpvx+nowKBgQCnCBo8JkhlGwtRqLFYpnydL/mJC+UYn/vhGF4aBmBJ7Oc/YHke',
  '7nOlS15hGr8G18lLVZ4vGn+LWq6C6cQfsmVKuV+c6pcCnsYfUQMJsTbOM+8Kb7bI',
  '5kh5ibs1gfjt57ARxGFDngEZmHeWV6lBKpvCsntzoEdjolvffo1Pzyq4AQKBgQCw',
  'byqf3RuOrbtIKGplS+OHqfUALt6gpHXLAbHm9jd6AGoMtp8Q7menZxYt7Qivte5E',
  'XaT23mp8aVa3EAd1xwnEy3NaKSJzR63PuWwbpPUmwlB9h4pltATEm3Ovbr39DhN3',
  'Ob0Z80jfmHHEEBk36SIg0YxGpSPUSyLjCnGapAgh7QKBgQDXTrTqyGUKKni7LEfI',
  'RZU9oynxTDLhodix36XJqlvOUwpmFiBGo+iXShj4P5Ga0OT82oqE7tHnW+RdtXFR',
  'dvsSK/chFXr280YZDYzGaewFKXVL3PrOA05CrXb2yShu4jCBid/APz3UFZa80EJy',
  'zwD1l0MQAiH8Uz+2cNz+Db9z+w==',
  '-----END PRIVATE KEY-----',
].join('\n');

const ED_2026_KEY = [
  '-----BEGIN PRIVATE KEY-----',
  'MC4CAQAwBQYDK2VwBCIEIIacRsJdj0at0YDMK+lmiPRE6ZA2E3euYNqJoEQ5fhYf',
  '-----END PRIVATE KEY-----',
].join('\n');

/** The default scenario. */
export const defaultScenario: ScenarioInput = {
  name: 'default',
  description: 'alice@example.com writes to bob@example.net: MUA → MSA → MTA → MDA → MUA.',
  seed: 'mailroom',
  network: { defaultLatencyMs: 20, defaultJitterMs: 0 },
  hosts: [
    {
      id: 'alice-laptop',
      label: "Alice's laptop",
      addresses: ['192.0.2.10'],
      roles: ['mua'],
      site: 'example.com',
    },
    {
      id: 'smtp.example.com',
      label: 'Outgoing mail server',
      addresses: ['192.0.2.25'],
      roles: ['msa', 'mta', 'mda'],
      site: 'example.com',
    },
    {
      id: 'mx.example.net',
      label: 'Incoming mail server',
      addresses: ['198.51.100.25'],
      roles: ['mta', 'msa', 'mda', 'imap', 'pop3'],
      site: 'example.net',
    },
    {
      id: 'bob-laptop',
      label: "Bob's laptop",
      addresses: ['198.51.100.10'],
      roles: ['mua'],
      site: 'example.net',
    },
    { id: 'ns', label: 'Name server', addresses: ['203.0.113.53'], roles: ['dns'], site: 'internet' },
  ],
  links: [
    { between: ['alice-laptop', 'smtp.example.com'], latencyMs: 5 },
    { between: ['smtp.example.com', 'mx.example.net'], latencyMs: 40 },
    { between: ['mx.example.net', 'bob-laptop'], latencyMs: 5 },
    { between: ['smtp.example.com', 'ns'], latencyMs: 15 },
    { between: ['mx.example.net', 'ns'], latencyMs: 15 },
  ],
  dns: {
    server: 'ns',
    zones: [
      { origin: 'example.com', text: exampleCom },
      { origin: 'example.net', text: exampleNet },
      { origin: '2.0.192.in-addr.arpa', text: reverse192 },
      { origin: '100.51.198.in-addr.arpa', text: reverse198 },
    ],
  },
  dkim: [
    {
      domain: 'example.com',
      selector: 'rsa2026',
      algorithm: 'rsa-sha256',
      privateKey: RSA_2026_KEY,
      signer: 'smtp.example.com',
    },
    {
      domain: 'example.com',
      selector: 'ed2026',
      algorithm: 'ed25519-sha256',
      privateKey: ED_2026_KEY,
      signer: 'smtp.example.com',
    },
  ],
  users: [
    {
      address: 'alice@example.com',
      password: 'alice-password',
      host: 'smtp.example.com',
      name: 'Alice',
      mua: 'alice-laptop',
    },
    {
      address: 'bob@example.net',
      password: 'bob-password',
      host: 'mx.example.net',
      name: 'Bob',
      mua: 'bob-laptop',
    },
  ],
};
