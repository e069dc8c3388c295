import { render } from 'preact';
import { browser } from 'wxt/browser';
import '../../components/styles.css';
import { OptionsApp } from '../../components/options/OptionsApp';
import { extensionStorage } from '../../core/extension/storage-adapter';
import { createSettings } from '../../core/extension/settings';
import { loadPreferredLocale } from '../../core/i18n';

await loadPreferredLocale();
const settings = createSettings(extensionStorage(browser.storage));
render(<OptionsApp settings={settings} />, document.getElementById('app')!);
