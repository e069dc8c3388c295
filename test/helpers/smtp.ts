import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One message as the test mail server received it. */
export interface ReceivedMail {
  /** Envelope sender and recipients (what the broker's MAIL FROM / RCPT TO said). */
  from: string;
  to: string[];
  /** Decoded Subject header. */
  subject: string;
  /** Decoded plain-text body (single-part messages, as the broker sends). */
  text: string;
  /** Header name (lower case) → decoded value. */
  headers: Record<string, string>;
  /** The message exactly as received. */
  raw: string;
}

/**
 * A real SMTP server on 127.0.0.1 for tests (`smtp-server`: no TLS, any or no sign-in accepted) that
 * keeps what it receives.
 *
 *   const smtp = await startSmtpServer();
 *   const broker = await startBroker({ env: { SMTP_URL: smtp.url } });
 *   … const mail = await smtp.waitForMessage((m) => m.to.includes('carl@example.com'));
 *   await smtp.stop();   // "the mail server is down": connections are refused
 *   await smtp.start();  // back, on the same port, so SMTP_URL stays right
 *   await smtp.close();
 */
export interface TestSmtp {
  /** smtp://127.0.0.1:<port>, for SMTP_URL. */
  readonly url: string;
  readonly port: number;
  /** Every message received so far, oldest first. */
  readonly messages: ReceivedMail[];
  /** The first message received (so far or from now on) that matches; any message when no match is given. */
  waitForMessage(match?: (mail: ReceivedMail) => boolean): Promise<ReceivedMail>;
  /**
   * Refuse recipients: return a reason to answer RCPT TO with "550 <reason>", or undefined to accept.
   * Set to undefined to accept everyone again.
   */
  refuseRecipient: ((address: string) => string | undefined) | undefined;
  /** Stops listening (new connections are refused); messages are kept. */
  stop(): Promise<void>;
  /** Listens again on the same port after stop(). */
  start(): Promise<void>;
  /** Stops for good. */
  close(): Promise<void>;
}

export async function startSmtpServer(): Promise<TestSmtp> {
  const messages: ReceivedMail[] = [];
  const waiters: { match: (m: ReceivedMail) => boolean; resolve: (m: ReceivedMail) => void }[] = [];
  let server: SMTPServer | undefined;
  let port = 0;

  const receive = (mail: ReceivedMail) => {
    messages.push(mail);
    for (const waiter of [...waiters]) {
      if (!waiter.match(mail)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(mail);
    }
  };

  const smtp: TestSmtp = {
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    messages,
    refuseRecipient: undefined,
    waitForMessage(match = () => true) {
      const found = messages.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
    async start() {
      if (server) return;
      const s = new SMTPServer({
        authOptional: true,
        allowInsecureAuth: true,
        disabledCommands: ['STARTTLS'],
        onAuth: (_auth, _session, callback) => callback(null, { user: 'test' }),
        onRcptTo: (address, _session, callback) => {
          const reason = smtp.refuseRecipient?.(address.address);
          if (reason === undefined) return callback();
          callback(Object.assign(new Error(reason), { responseCode: 550 }));
        },
        onData: (stream, session, callback) => {
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            const raw = Buffer.concat(chunks).toString('utf8');
            const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
            receive({ ...parseMessage(raw), from, to: session.envelope.rcptTo.map((r) => r.address), raw });
            callback();
          });
        },
      });
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, '127.0.0.1', () => {
          s.off('error', reject);
          resolve();
        });
      });
      s.on('error', () => {}); // a client hanging up mid-message is not the test's concern
      port = (s.server.address() as AddressInfo).port;
      server = s;
    },
    async stop() {
      const s = server;
      server = undefined;
      if (!s) return;
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    close: () => smtp.stop(),
  };
  await smtp.start();
  return smtp;
}

/** Just enough MIME for the broker's single-part text mail: headers, encoded words, QP or base64 body. */
function parseMessage(raw: string): { subject: string; text: string; headers: Record<string, string> } {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  const charset = /charset="?([^";\s]+)/i.exec(headers['content-type'] ?? '')?.[1] ?? 'utf-8';
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  let bytes: Buffer;
  if (encoding === 'quoted-printable') bytes = decodeQuotedPrintable(body);
  else if (encoding === 'base64') bytes = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  else bytes = Buffer.from(body, 'utf8');
  const text = new TextDecoder(charset).decode(bytes).replace(/\r\n/g, '\n');
  return { subject: headers.subject ?? '', text, headers };
}

function decodeQuotedPrintable(text: string): Buffer {
  const soft = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const hex = soft[i] === '=' ? /^[0-9A-Fa-f]{2}$/.exec(soft.slice(i + 1, i + 3))?.[0] : undefined;
    if (hex) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(soft[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

/** RFC 2047 encoded words (=?utf-8?Q?…?= and =?utf-8?B?…?=); whitespace between two of them is dropped. */
function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_all, charset: string, kind: string, data: string) => {
      const bytes = kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : decodeQuotedPrintable(data.replace(/_/g, ' '));
      return new TextDecoder(charset).decode(bytes);
    });
}
