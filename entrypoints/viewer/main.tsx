import { render } from 'preact';
import { browser } from 'wxt/browser';
import '../../components/styles.css';
import { ViewerApp } from '../../components/viewer/ViewerApp';
import { findScreen } from '../../core/extension/screen-handoff';
import { connectSessionHost } from '../../core/extension/session-host-document';
import { loadPreferredLocale } from '../../core/i18n';

// A shared screen or a camera in a whole tab. On Chrome it comes from the session host (the panel may be
// closed); elsewhere from the side panel, which holds the session.
await loadPreferredLocale();
const params = new URLSearchParams(location.search);
const participantId = params.get('participant') ?? '';
const title = params.get('title') ?? '';
document.title = title;
const host = connectSessionHost(globalThis as Parameters<typeof connectSessionHost>[0]);
const findStream = () =>
  host ? host.picture(participantId) : findScreen(browser.extension.getViews() as unknown as Window[], participantId);
render(<ViewerApp title={title} findStream={findStream} />, document.getElementById('app')!);
