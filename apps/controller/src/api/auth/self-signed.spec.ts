import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { selfSignedCertificate } from './self-signed';

describe('selfSignedCertificate', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = selfSignedCertificate({
    commonName: 'daemonledger',
    hosts: ['localhost', '127.0.0.1', '::1', 'example.test'],
    publicKey,
    privateKey,
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2036-01-01T00:00:00Z'),
    serial: Buffer.from([0x81, 2, 3, 4]),
  });
  const cert = new X509Certificate(pem);

  it('is a CA that signed itself', () => {
    expect(cert.ca).toBe(true);
    expect(cert.verify(publicKey)).toBe(true);
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.subject).toBe('CN=daemonledger');
  });

  it('names every host, IPv4, IPv6 and DNS', () => {
    expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:example.test');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('localhost')).toBe('localhost');
  });

  it('has the requested validity', () => {
    expect(new Date(cert.validFrom).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(new Date(cert.validTo).toISOString()).toBe('2036-01-01T00:00:00.000Z');
  });
});

describe('selfSignedCertificate serial numbers', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  it.each([
    ['leading zero bytes', [0x00, 0x00, 0x12, 0x34]],
    ['a zero byte before a high bit', [0x00, 0x85, 0x01]],
    ['all zeros', [0x00, 0x00]],
  ])('encodes a serial with %s as a minimal DER INTEGER that parses', (_name, serial) => {
    const pem = selfSignedCertificate({
      commonName: 'daemonledger',
      hosts: ['127.0.0.1'],
      publicKey,
      privateKey,
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2036-01-01T00:00:00Z'),
      serial: Buffer.from(serial),
    });
    expect(() => new X509Certificate(pem)).not.toThrow();
  });
});
