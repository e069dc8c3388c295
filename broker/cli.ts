import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import { runAdmin } from './admin';
import { ConfigError, loadConfig } from './config';
import { createBroker } from './server';
import { describeStore } from './store';

/** The broker's command line: `serve`, and the admin commands of admin.ts on the process's own streams. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function serve(): Promise<void> {
  const config = loadConfig(process.env);
  const broker = await createBroker(config, { askAdminName: process.stdin.isTTY ? askAdminName : undefined });
  const { admin } = broker;

  console.log(`Broker listening on ${broker.url}`);
  if (broker.publicUrl !== broker.url) console.log(`Public URL: ${broker.publicUrl}`);
  // The address reps type into the extension: the one thing a first sign-in needs.
  console.log(`In the extension, sign in to ${broker.publicUrl}`);
  console.log(`State: ${describeStore(config)}`);
  console.log(`Admin sign-in: ${admin.email}`);
  if (admin.created && admin.generated) {
    console.log(`  password: ${admin.password}`);
    console.log('  (generated now and shown only this once: store it in your password manager)');
  } else if (admin.created) {
    console.log('  password: (from ADMIN_PASSWORD)');
  } else {
    console.log('  password: (set on first run)');
  }
  console.log(
    broker.mailer
      ? `Invitation email: sent by the broker through the mail server ${broker.mailer.host}`
      : "Invitation email: only through reps' own mail programs (set SMTP_URL to let the broker send it)",
  );
  console.log(`Load unpacked: ${resolve(ROOT, '.output/chrome-mv3')}`);
  console.log(`Firefox (about:debugging → Load Temporary Add-on): ${resolve(ROOT, '.output/firefox-mv2')}`);
  console.log(`Support site (customers join by number): ${broker.publicUrl}/`);

  const stop = (signal: string) => {
    console.log(`${signal}: shutting down`);
    // peer@1.0.2 leaves timers running after close, so exit explicitly once everything is closed.
    broker.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

/** First start on a terminal without ADMIN_NAME: the admin's name is what customers will read. */
async function askAdminName(): Promise<string | undefined> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await prompt.question('Your name as customers will see it (e.g. "Sam Lee"): ');
  } finally {
    prompt.close();
  }
}

const [command, ...args] = process.argv.slice(2);
if (command === 'serve') {
  serve().catch((error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  });
} else {
  void runAdmin(command === undefined ? [] : [command, ...args], {
    env: process.env,
    stdin: process.stdin,
    interactive: process.stdin.isTTY,
    out: (line) => console.log(line),
    err: (line) => process.stderr.write(line.endsWith(' ') ? line : `${line}\n`),
  }).then((code) => process.exit(code));
}
