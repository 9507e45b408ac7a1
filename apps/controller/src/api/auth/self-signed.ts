import { createHash, type KeyObject, sign } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * A self-signed X.509 v3 certificate (ECDSA P-256, SHA-256) for the API's
 * TLS, written in DER by hand so that no dependency or openssl binary is
 * needed. kubectl sends bearer tokens only over TLS (client-go sets user
 * credentials for https servers only), so the API cannot serve plain HTTP.
 * The certificate is its own CA (basicConstraints CA:TRUE, keyCertSign) and
 * names every host in `hosts` (IP addresses and DNS names) as subjectAltNames.
 */
const len = (n: number): Buffer => {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let x = n; x > 0; x >>= 8) bytes.unshift(x & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
};
const tlv = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
};
const seq = (...c: Buffer[]) => tlv(0x30, ...c);
const set = (...c: Buffer[]) => tlv(0x31, ...c);
const oid = (dotted: string): Buffer => {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const v of rest) {
    const chunk = [v & 0x7f];
    for (let x = v >> 7; x > 0; x >>= 7) chunk.unshift((x & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
};
/** DER INTEGER, minimal: no leading zero bytes (a random serial may start with some), one 0x00 if the top bit is set. */
const integer = (raw: Buffer): Buffer => {
  let start = 0;
  while (start < raw.length - 1 && raw[start] === 0) start++;
  const bytes = raw.subarray(start);
  return tlv(0x02, bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
};
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const octets = (b: Buffer) => tlv(0x04, b);
const bits = (b: Buffer, unused = 0) => tlv(0x03, Buffer.from([unused]), b);
const time = (d: Date): Buffer => {
  const iso = d.toISOString();
  const compact = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z';
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(compact.slice(2))) : tlv(0x18, Buffer.from(compact));
};

const ipBytes = (ip: string): Buffer => {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head, tail = ''] = ip.split('::');
  const parts = (s: string) => (s ? s.split(':') : []);
  const h = parts(head);
  const t = parts(tail);
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return Buffer.concat(groups.map((g) => Buffer.from([(parseInt(g, 16) >> 8) & 0xff, parseInt(g, 16) & 0xff])));
};

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

const extension = (id: string, critical: boolean, value: Buffer) => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

export interface CertificateRequest {
  commonName: string;
  hosts: readonly string[];
  publicKey: KeyObject;
  privateKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  serial: Buffer;
}

/** The certificate as PEM. */
export const selfSignedCertificate = (r: CertificateRequest): string => {
  const name = seq(set(seq(oid('2.5.4.3'), utf8(r.commonName))));
  const spki = r.publicKey.export({ type: 'spki', format: 'der' });
  const san = seq(...r.hosts.map((h) => (isIP(h) ? tlv(0x87, ipBytes(h)) : tlv(0x82, Buffer.from(h, 'ascii')))));
  const keyId = createHash('sha1').update(spki).digest();
  const extensions = seq(
    extension('2.5.29.19', true, seq(bool(true))),
    // digitalSignature (bit 0) and keyCertSign (bit 5): 1000 0100, two unused bits.
    extension('2.5.29.15', true, bits(Buffer.from([0x84]), 2)),
    extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))),
    extension('2.5.29.14', false, octets(keyId)),
    extension('2.5.29.17', false, san),
  );
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(r.serial),
    ECDSA_SHA256,
    name,
    seq(time(r.notBefore), time(r.notAfter)),
    name,
    spki,
    tlv(0xa3, extensions),
  );
  const signature = sign('sha256', tbs, r.privateKey);
  const der = seq(tbs, ECDSA_SHA256, bits(signature));
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd();
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
};
