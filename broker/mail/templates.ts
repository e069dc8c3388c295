import { groupSessionNumber, type InviteRole, type MailLocale } from '../../core/protocol';

/** What an invitation says, whoever sends it: the rep's own mail program (mailto) or the broker (SMTP). */
export interface InviteWording {
  role: InviteRole;
  locale: MailLocale;
  /** The rep who invites. */
  inviterName: string;
  url: string;
  /** The session number, 9 digits. */
  sessionNumber: string;
  expiresAt: number;
  /** The support site where customers enter the session number, with a trailing slash. */
  siteUrl: string;
}

export interface WordedMail {
  subject: string;
  text: string;
}

/** Subject and plain text of an invitation, in English or Russian. Never contains anything but the invitation. */
export function inviteMailText(w: InviteWording): WordedMail {
  const number = groupSessionNumber(w.sessionNumber);
  const until = formatTime(w.expiresAt, w.locale);
  if (w.locale === 'ru') {
    if (w.role === 'rep') {
      return {
        subject: `${w.inviterName} просит вас помочь в сеансе поддержки`,
        text:
          `${w.inviterName} приглашает вас помочь в сеансе поддержки.\n\n` +
          `Откройте эту ссылку в браузере с установленным расширением Remote Support, в котором вы вошли:\n${w.url}\n\n` +
          `Или выберите «Помочь в сеансе» в расширении Remote Support и введите номер сеанса ${number}.\n\n` +
          `Ссылка действует до ${until}.\n`,
      };
    }
    return {
      subject: `Сеанс поддержки: ${w.inviterName}`,
      text:
        `${w.inviterName} приглашает вас в сеанс поддержки.\n\n` +
        `Откройте эту ссылку в браузере, чтобы присоединиться. Ничего устанавливать не нужно:\n${w.url}\n\n` +
        `Или откройте ${w.siteUrl} и введите номер сеанса ${number}.\n\n` +
        `Ссылка действует до ${until}.\n`,
    };
  }
  if (w.role === 'rep') {
    return {
      subject: `${w.inviterName} asks for your help in a support session`,
      text:
        `${w.inviterName} invites you to assist in a support session.\n\n` +
        `Open this link in the browser where the Remote Support extension is installed and signed in:\n${w.url}\n\n` +
        `Or choose "Assist in a session" in the Remote Support extension and type the session number ${number}.\n\n` +
        `The link works until ${until}.\n`,
    };
  }
  return {
    subject: `Your support session with ${w.inviterName}`,
    text:
      `${w.inviterName} invites you to a support session.\n\n` +
      `Open this link in your browser to join. Nothing to install:\n${w.url}\n\n` +
      `Or go to ${w.siteUrl} and enter the session number ${number}.\n\n` +
      `The link works until ${until}.\n`,
  };
}

/** A time people can read anywhere: the broker does not know the reader's time zone, so UTC, said so. */
function formatTime(at: number, locale: MailLocale): string {
  const text = new Date(at).toLocaleString(locale === 'ru' ? 'ru-RU' : 'en-GB', {
    timeZone: 'UTC',
    dateStyle: 'long',
    timeStyle: 'short',
  });
  return `${text} UTC`;
}

/** RFC 6068: encode each part; the '@' between local part and domain stays literal. */
export function mailtoUrl(to: string, subject: string, body: string): string {
  const at = to.lastIndexOf('@');
  const address =
    at < 0 ? encodeURIComponent(to) : `${encodeURIComponent(to.slice(0, at))}@${encodeURIComponent(to.slice(at + 1))}`;
  // Line breaks in a mailto body are CRLF.
  return `mailto:${address}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body.replace(/\r?\n/g, '\r\n'))}`;
}
