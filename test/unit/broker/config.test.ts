import { describe, expect, it } from 'vitest';
import { loadConfig, resolvePublicUrl } from '../../../broker/config';

describe('loadConfig', () => {
  it('has safe defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 9000,
      host: '127.0.0.1',
      dataDir: './data',
      databaseUrl: null,
      publicUrl: null,
      iceServers: [],
      adminEmail: 'admin@example.com',
      adminPassword: null,
      inviteTtlMs: 24 * 3_600_000,
      peerConcurrentLimit: 20_000,
      allowedOrigins: [],
      smtpUrl: null,
      mailFrom: 'Remote Support <support@localhost>',
      knockTtlMs: 300_000,
      joinByNumberLimit: 10,
      joinByNumberPerNumberLimit: 10,
      maxCustomers: 5,
      loginLimits: { perAddressAndAccount: 10, perAccount: 20, perAddress: 30, global: 100 },
      passwordHashConcurrency: 2,
      passwordHashQueue: 32,
      assistByNumberPerRep: 10,
      assistByNumberPerAddress: 10,
      mailPerRepPerHour: 20,
      mailPerRecipientPerHour: 3,
      repTokenIdleMs: 12 * 3_600_000,
      repTokenMaxMs: 168 * 3_600_000,
      presenceGraceMs: 60_000,
    });
    expect(resolvePublicUrl(config, 9000)).toBe('http://127.0.0.1:9000');
    expect(resolvePublicUrl(loadConfig({ PORT: '0' }), 41234)).toBe('http://127.0.0.1:41234');
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATA_DIR: '/var/lib/rs',
      PUBLIC_URL: 'https://support.example.com/',
      ICE_SERVERS: '[{"urls":["turn:turn.example.com"],"username":"u","credential":"c"}]',
      ADMIN_EMAIL: 'Boss@Example.com',
      ADMIN_PASSWORD: 'long enough',
      INVITE_TTL_HOURS: '0.5',
      PEER_CONCURRENT_LIMIT: '100',
      ALLOWED_ORIGINS: 'https://crm.example.com, http://localhost:5173/',
      SMTP_URL: 'smtps://mailer:p%40ss@mail.example.com:465',
      DATABASE_URL: 'postgres://rs:secret@db.example.com:5432/remote_support',
      MAIL_FROM: 'Help Desk <help@example.com>',
      KNOCK_TTL_SECONDS: '120',
      JOIN_BY_NUMBER_LIMIT: '5',
      JOIN_BY_NUMBER_PER_NUMBER_LIMIT: '3',
      MAX_CUSTOMERS: '2',
      LOGIN_FAILURES_PER_ADDRESS_AND_ACCOUNT: '4',
      LOGIN_FAILURES_PER_ACCOUNT: '8',
      LOGIN_FAILURES_PER_ADDRESS: '16',
      LOGIN_FAILURES_PER_MINUTE: '50',
      PASSWORD_HASH_CONCURRENCY: '1',
      PASSWORD_HASH_QUEUE: '0',
      ASSIST_BY_NUMBER_PER_REP: '5',
      ASSIST_BY_NUMBER_PER_ADDRESS: '6',
      MAIL_PER_REP_PER_HOUR: '7',
      MAIL_PER_RECIPIENT_PER_HOUR: '1',
      REP_TOKEN_IDLE_HOURS: '0.5',
      REP_TOKEN_MAX_HOURS: '24',
      PRESENCE_GRACE_SECONDS: '90',
      REDIS_URL: 'redis://:secret@redis.example.com:6379/2',
      TRUST_PROXY: 'loopback, 10.0.0.0/8, 2001:db8::1',
    });
    expect(config).toMatchObject({
      port: 8080,
      publicUrl: 'https://support.example.com',
      iceServers: [{ urls: ['turn:turn.example.com'], username: 'u', credential: 'c' }],
      adminEmail: 'boss@example.com',
      databaseUrl: 'postgres://rs:secret@db.example.com:5432/remote_support',
      adminPassword: 'long enough',
      inviteTtlMs: 1_800_000,
      peerConcurrentLimit: 100,
      allowedOrigins: ['https://crm.example.com', 'http://localhost:5173'],
      smtpUrl: 'smtps://mailer:p%40ss@mail.example.com:465',
      mailFrom: 'Help Desk <help@example.com>',
      knockTtlMs: 120_000,
      joinByNumberLimit: 5,
      joinByNumberPerNumberLimit: 3,
      maxCustomers: 2,
      loginLimits: { perAddressAndAccount: 4, perAccount: 8, perAddress: 16, global: 50 },
      passwordHashConcurrency: 1,
      passwordHashQueue: 0,
      assistByNumberPerRep: 5,
      assistByNumberPerAddress: 6,
      mailPerRepPerHour: 7,
      mailPerRecipientPerHour: 1,
      repTokenIdleMs: 1_800_000,
      repTokenMaxMs: 24 * 3_600_000,
      presenceGraceMs: 90_000,
      redisUrl: 'redis://:secret@redis.example.com:6379/2',
      trustProxy: ['loopback', '10.0.0.0/8', '2001:db8::1'],
    });
    expect(loadConfig({ MAIL_FROM: 'help@example.com' }).mailFrom).toBe('help@example.com');
    expect(resolvePublicUrl(config, 8080)).toBe('https://support.example.com');
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT/],
    [{ PUBLIC_URL: 'support.example.com' }, /PUBLIC_URL must be an absolute URL/],
    [{ PUBLIC_URL: 'ftp://x.example.com' }, /PUBLIC_URL must start with http/],
    [{ ICE_SERVERS: 'stun:x' }, /ICE_SERVERS must be JSON/],
    [{ ICE_SERVERS: '[{"url":"stun:x"}]' }, /ICE_SERVERS is not a list of ICE servers \(at 0.urls\)/],
    [{ ADMIN_EMAIL: 'nobody' }, /ADMIN_EMAIL/],
    [{ ADMIN_PASSWORD: 'short' }, /at least 8/],
    [{ INVITE_TTL_HOURS: '-1' }, /INVITE_TTL_HOURS must be a positive number/],
    [{ PEER_CONCURRENT_LIMIT: '0' }, /PEER_CONCURRENT_LIMIT/],
    [{ ALLOWED_ORIGINS: 'https://x.example.com/path' }, /ALLOWED_ORIGINS/],
    [{ SMTP_URL: 'mail.example.com' }, /SMTP_URL must be a URL like smtp:/],
    [{ SMTP_URL: 'https://u:secret@mail.example.com' }, /SMTP_URL must start with smtp:\/\/ or smtps:\/\/, got "https:\/\/…"/],
    [{ DATABASE_URL: 'db.example.com' }, /DATABASE_URL must be a URL like postgres:/],
    [
      { DATABASE_URL: 'mysql://u:secret@db.example.com/rs' },
      /DATABASE_URL must start with postgres:\/\/ or postgresql:\/\/, got "mysql:\/\/…"/,
    ],
    [{ MAIL_FROM: 'not an address' }, /MAIL_FROM must be an email address/],
    [{ REDIS_URL: 'not a url' }, /REDIS_URL must be a URL like redis:/],
    [{ REDIS_URL: 'http://:secret@redis.example.com' }, /REDIS_URL must start with redis:\/\/ or rediss:\/\/, got "http:\/\/…"/],
    [{ TRUST_PROXY: 'nginx' }, /TRUST_PROXY entries must be addresses/],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /TRUST_PROXY entries must be addresses/],
    [{ MAIL_FROM: 'a@example.com\r\nBcc: x@example.com' }, /MAIL_FROM/],
    [{ KNOCK_TTL_SECONDS: '0' }, /KNOCK_TTL_SECONDS must be a whole number/],
    [{ JOIN_BY_NUMBER_LIMIT: 'many' }, /JOIN_BY_NUMBER_LIMIT/],
    [{ JOIN_BY_NUMBER_PER_NUMBER_LIMIT: '0' }, /JOIN_BY_NUMBER_PER_NUMBER_LIMIT/],
    [{ MAX_CUSTOMERS: '0' }, /MAX_CUSTOMERS must be a whole number from 1 to 100, got "0"/],
    [{ MAX_CUSTOMERS: '101' }, /MAX_CUSTOMERS must be a whole number from 1 to 100/],
    [{ MAX_CUSTOMERS: 'two' }, /MAX_CUSTOMERS must be a whole number/],
    [{ MAX_CUSTOMERS: '1.5' }, /MAX_CUSTOMERS must be a whole number/],
    [{ LOGIN_FAILURES_PER_ADDRESS_AND_ACCOUNT: '0' }, /LOGIN_FAILURES_PER_ADDRESS_AND_ACCOUNT must be a whole number/],
    [{ LOGIN_FAILURES_PER_ACCOUNT: 'ten' }, /LOGIN_FAILURES_PER_ACCOUNT must be a whole number/],
    [{ LOGIN_FAILURES_PER_ADDRESS: '-3' }, /LOGIN_FAILURES_PER_ADDRESS must be a whole number/],
    [{ LOGIN_FAILURES_PER_MINUTE: '0' }, /LOGIN_FAILURES_PER_MINUTE must be a whole number/],
    [{ PASSWORD_HASH_CONCURRENCY: '0' }, /PASSWORD_HASH_CONCURRENCY must be a whole number from 1 to 64/],
    [{ PASSWORD_HASH_QUEUE: 'lots' }, /PASSWORD_HASH_QUEUE must be a whole number/],
    [{ ASSIST_BY_NUMBER_PER_REP: '0' }, /ASSIST_BY_NUMBER_PER_REP/],
    [{ ASSIST_BY_NUMBER_PER_ADDRESS: '1e3' }, /ASSIST_BY_NUMBER_PER_ADDRESS/],
    [{ MAIL_PER_REP_PER_HOUR: '0' }, /MAIL_PER_REP_PER_HOUR/],
    [{ MAIL_PER_RECIPIENT_PER_HOUR: '2.5' }, /MAIL_PER_RECIPIENT_PER_HOUR/],
    [{ REP_TOKEN_IDLE_HOURS: '0' }, /REP_TOKEN_IDLE_HOURS must be a positive number/],
    [{ REP_TOKEN_MAX_HOURS: 'week' }, /REP_TOKEN_MAX_HOURS must be a positive number/],
    [{ REP_TOKEN_IDLE_HOURS: '200' }, /REP_TOKEN_IDLE_HOURS \(200\) must not be longer than REP_TOKEN_MAX_HOURS \(168\)/],
    [{ PRESENCE_GRACE_SECONDS: '5' }, /PRESENCE_GRACE_SECONDS must be a whole number from 10 to 86400, got "5"/],
    [{ PRESENCE_GRACE_SECONDS: 'a minute' }, /PRESENCE_GRACE_SECONDS must be a whole number/],
  ])('rejects %j clearly', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never repeats an SMTP password in its errors', () => {
    expect(() => loadConfig({ SMTP_URL: 'http://user:hunter22@mail.example.com' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter22') }),
    );
  });
});
