import { render } from 'preact';
import { browser } from 'wxt/browser';
import '../../components/styles.css';
import { ViewerApp } from '../../components/viewer/ViewerApp';
import { findScreen } from '../../core/extension/screen-handoff';
import { loadPreferredLocale } from '../../core/i18n';

// A customer's screen in a whole tab; the stream itself lives in the side panel.
await loadPreferredLocale();
const params = new URLSearchParams(location.search);
const participantId = params.get('participant') ?? '';
const title = params.get('title') ?? '';
document.title = title;
const findStream = () => findScreen(browser.extension.getViews() as unknown as Window[], participantId);
render(<ViewerApp title={title} findStream={findStream} />, document.getElementById('app')!);
