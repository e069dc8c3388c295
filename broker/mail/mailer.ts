import nodemailer from 'nodemailer';

/** Sends invitation email through the broker's mail server (SMTP_URL). */
export interface Mailer {
  /** host[:port] of the mail server, for messages and the start-up banner (never the password). */
  readonly host: string;
  /** Resolves once the mail server accepted the message; rejects with a MailError otherwise. */
  send(message: { to: string; subject: string; text: string }): Promise<void>;
  close(): void;
}

/** A send that failed, with a message in plain words for the rep. */
export class MailError extends Error {
  override name = 'MailError';
}

/** Short, so "the mail server is down" reaches the rep in seconds rather than minutes. */
export const MAIL_TIMEOUT_MS = 10_000;

export function mailServerHost(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  return url.port ? `${url.hostname}:${url.port}` : url.hostname;
}

export function createMailer(smtpUrl: string, from: string, timeoutMs = MAIL_TIMEOUT_MS): Mailer {
  const host = mailServerHost(smtpUrl);
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    host,
    async send({ to, subject, text }) {
      try {
        await transport.sendMail({ from, to, subject, text });
      } catch (error) {
        throw new MailError(describeMailError(error, new URL(smtpUrl).hostname));
      }
    },
    close: () => transport.close(),
  };
}

/** nodemailer's error → what the rep can understand and act on. */
export function describeMailError(error: unknown, host: string): string {
  const e = (error ?? {}) as { code?: string; response?: string; responseCode?: number };
  const reply = typeof e.response === 'string' ? e.response.replace(/\s+/g, ' ').trim().slice(0, 300) : '';
  switch (e.code) {
    case 'EAUTH':
    case 'ENOAUTH':
      return `The mail server at ${host} did not accept the broker's sign-in${reply ? `: ${reply}` : ''}`;
    case 'ETIMEDOUT':
      return `The mail server at ${host} did not answer in time`;
    case 'EDNS':
      return `The mail server ${host} could not be found`;
    case 'ETLS':
      return `A secure connection to the mail server at ${host} could not be made`;
  }
  if (e.responseCode !== undefined && reply) return `The mail server refused the message: ${reply}`;
  if (e.code === 'ECONNECTION' || e.code === 'ESOCKET') return `The mail server at ${host} could not be reached`;
  return `The mail server at ${host} could not take the message`;
}
