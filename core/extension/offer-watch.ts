import { effect } from '@preact/signals-core';
import { createBrokerClient } from '../broker/client';
import { t } from '../i18n';
import { groupSessionNumber } from '../protocol';
import { createAcdModel, type AcdModel } from '../session/acd-model';
import { createActionNotifier, type NotificationsApi } from './action-notifications';
import type { Auth, Settings } from './settings';

export interface OfferWatchDeps {
  settings: Settings;
  notifications: NotificationsApi;
  iconUrl: string;
  WebSocket?: typeof WebSocket;
}

/**
 * The extension's background keeps a WebACD agent reachable with the side panel closed: its own events
 * socket makes the agent count as online, and every session offered to them becomes a desktop
 * notification with Accept and Decline. Accepting takes the session at once and leaves it for the panel
 * (which opens it as soon as it is shown); an offer that goes away takes its notification with it.
 */
export function watchOffers(deps: OfferWatchDeps): { stop(): void } {
  let acd: AcdModel | undefined;
  let stopEffect: (() => void) | undefined;
  let token: string | undefined;
  const seen = new Set<string>();

  const notifier = createActionNotifier(
    deps.notifications,
    { iconUrl: deps.iconUrl, prefix: 'offer:' },
    {
      answer: (transferId, index) => void (index === 0 ? accept(transferId) : acd?.decline(transferId).catch(() => undefined)),
      reveal: () => undefined, // browsers do not let a notification's click open the side panel
    },
  );

  async function accept(transferId: string): Promise<void> {
    const offer = acd?.offers.value.find((o) => o.id === transferId);
    if (!acd || !offer) return;
    const number = groupSessionNumber(offer.sessionNumber);
    try {
      await deps.settings.setTakenSession(await acd.accept(transferId));
      await deps.notifications.create(`taken:${transferId}`, {
        type: 'basic',
        iconUrl: deps.iconUrl,
        title: t('offerAcceptedTitle', { number }),
        message: t('offerAcceptedMessage', { names: offer.customers.join(', ') }),
      });
    } catch (e) {
      await deps.notifications
        .create(`taken:${transferId}`, {
          type: 'basic',
          iconUrl: deps.iconUrl,
          title: t('offerNotTaken', { number }),
          message: e instanceof Error ? e.message : String(e),
        })
        .catch(() => undefined);
    }
  }

  function stopAgent(): void {
    stopEffect?.();
    acd?.close();
    acd = undefined;
    stopEffect = undefined;
    token = undefined;
    notifier.keepOnly(new Set());
  }

  function startAgent(auth: Auth | undefined): void {
    if (auth?.token === token && acd) return;
    stopAgent();
    if (!auth?.rep.isAgent) return;
    token = auth.token;
    const broker = createBrokerClient({ baseUrl: auth.brokerUrl, getToken: () => auth.token });
    const model = createAcdModel({
      broker,
      brokerUrl: auth.brokerUrl,
      token: auth.token,
      onSignedOut: stopAgent,
      ...(deps.WebSocket ? { WebSocket: deps.WebSocket } : {}),
    });
    acd = model;
    stopEffect = effect(() => {
      const offers = model.offers.value;
      for (const offer of offers) {
        if (seen.has(offer.id)) continue;
        seen.add(offer.id);
        const number = groupSessionNumber(offer.sessionNumber);
        const title = offer.takeBack ? t('offerTakeBackTitle', { number }) : t('offerNotificationTitle');
        const message = t('offerNotificationMessage', {
          number,
          from: offer.from,
          message: offer.message || offer.customers.join(', '),
        });
        notifier.show(offer.id, {
          title,
          message,
          buttons: [offer.takeBack ? t('takeBack') : t('acceptOffer'), t('declineOffer')],
          messageWithoutButtons: `${message} ${t('offerOpenDashboard')}`,
        });
      }
      notifier.keepOnly(new Set(offers.map((o) => o.id)));
    });
  }

  const follow = () => void deps.settings.auth().then(startAgent);
  follow();
  const unsubscribe = deps.settings.onChanged((keys) => keys.includes(deps.settings.keys.auth) && follow());
  return {
    stop() {
      unsubscribe();
      stopAgent();
    },
  };
}
