import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';

// See https://wxt.dev/api/config.html
/**
 * Where the /assist page lives besides localhost: the broker's PUBLIC_URL at build time (npm start
 * builds with the broker's environment), so the extension recognizes its own support site.
 */
function supportSiteMatches(): string[] {
  const raw = process.env.PUBLIC_URL?.trim();
  if (!raw) return [];
  try {
    const url = new URL(raw);
    return [`${url.protocol}//${url.hostname}${url.pathname.replace(/\/+$/, '')}/assist*`];
  } catch {
    return [];
  }
}

/**
 * Firefox needs a fixed add-on id: for signing on addons.mozilla.org, for updates to reach the same add-on,
 * and so that a temporary install keeps its storage (Firefox refuses storage.sync to made-up ids).
 * 140 is the oldest Firefox (ESR) that knows data_collection_permissions, which AMO requires of new add-ons.
 */
const GECKO = {
  id: 'remote-support@remote-support.local',
  strict_min_version: '140.0',
  // What leaves the extension for the broker and the peers: sign-in, the rep's name and email, chat.
  data_collection_permissions: { required: ['authenticationInfo', 'personallyIdentifyingInfo', 'personalCommunications'] },
};

export default defineConfig({
  // Every import stays visible in the code.
  imports: false,
  modules: ['@wxt-dev/webextension-polyfill'],
  // `npm run zip`: the Firefox sources zip is for addons.mozilla.org's reviewers, who rebuild the add-on
  // from it: the extension's own code and build files, not the broker, the tests or a local data folder.
  zip: { excludeSources: ['data/**', 'broker/**', 'join-page/**', 'test/**', 'bench/**', '*.log'] },
  vite: () => ({ plugins: [preact()] }),
  hooks: {
    'build:manifestGenerated': (_wxt, manifest) => {
      for (const script of manifest.content_scripts ?? []) {
        if (script.matches?.some((m) => m.endsWith('/assist*'))) script.matches = [...script.matches, ...supportSiteMatches()];
      }
    },
  },
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // offscreen: a long-lived page for the rep's media (issue 13; see docs/architecture.md).
    permissions: ['storage', 'unlimitedStorage', 'notifications', ...(browser === 'firefox' ? [] : ['sidePanel', 'offscreen'])],
    content_security_policy:
      browser === 'firefox'
        ? "script-src 'self'; object-src 'self'"
        : { extension_pages: "script-src 'self'; object-src 'self'; base-uri 'none'; frame-ancestors 'none'" },
    ...(browser === 'firefox' ? { browser_specific_settings: { gecko: GECKO } } : {}),
    commands:
      browser === 'firefox'
        ? { _execute_sidebar_action: { suggested_key: { default: 'Alt+Shift+S' }, description: '__MSG_openDashboard__' } }
        : { 'open-dashboard': { suggested_key: { default: 'Alt+Shift+S' }, description: '__MSG_openDashboard__' } },
  }),
});
