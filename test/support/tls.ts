import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** A self-signed certificate for 127.0.0.1, its key, and the file a client can trust it from. */
export interface TestCertificate {
  key: string;
  cert: string;
  caFile: string;
}

const run = promisify(execFile);
let cached: Promise<TestCertificate> | undefined;

async function makeCertificate(): Promise<TestCertificate> {
  const dir = mkdtempSync(join(tmpdir(), 'timly-renew-tls-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');

  // An EC key is generated in milliseconds; the IP SAN is what a TLS client checks for 127.0.0.1.
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);

  return {
    key: readFileSync(keyFile, 'utf8'),
    cert: readFileSync(certFile, 'utf8'),
    caFile: certFile,
  };
}

/** The certificate of this test process, made once with the openssl command line. */
export function testCertificate(): Promise<TestCertificate> {
  cached ??= makeCertificate();
  return cached;
}

function responseHeaders(raw: NodeJS.Dict<string | string[]>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/**
 * A fetch over node:https that trusts one extra CA. Node 20's built-in fetch cannot be told
 * about a CA inside a running process (NODE_EXTRA_CA_CERTS is read at start-up only), so tests
 * hand this to the Graph client instead; it still speaks real TLS and HTTP over loopback.
 */
export function trustingFetch(ca: string): typeof fetch {
  const agent = new https.Agent({ ca });

  const send = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
    new Promise((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const headers = Object.fromEntries(new Headers(init.headers).entries());
      const request = https.request(
        url,
        { method: init.method ?? 'GET', headers, agent, signal: init.signal ?? undefined },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const status = response.statusCode ?? 500;
            const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
            resolve(new Response(body, { status, headers: responseHeaders(response.headers) }));
          });
        },
      );
      request.on('error', reject);
      if (typeof init.body === 'string') request.write(init.body);
      request.end();
    });

  return send as typeof fetch;
}
