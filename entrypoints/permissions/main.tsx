import { render } from 'preact';
import '../../components/styles.css';
import { DevicePermissionApp } from '../../components/media/DevicePermissionApp';
import { getLocale, loadPreferredLocale } from '../../core/i18n';
import { requestDevices } from '../../core/media/device-permission';

// Chrome never asks for the microphone inside the side panel: this tab asks once, for the whole extension.
await loadPreferredLocale();
document.documentElement.lang = getLocale();
render(<DevicePermissionApp request={() => requestDevices(navigator)} />, document.getElementById('app')!);
