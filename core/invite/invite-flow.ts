import { signal, type ReadonlySignal } from '@preact/signals-core';
import { errorText } from '../broker/error-text';
import type { CreateInviteRequest, CreateInviteResponse, InviteRole, MailLocale } from '../protocol';

export interface InviteDraft {
  role: InviteRole;
  /** May be empty when the rep's own mail program sends it (they fill in the address there). */
  email: string;
  /** true: word the email for the rep's mail program (mailto); false: the broker sends it over SMTP. */
  withMailProgram: boolean;
}

export type InviteFlowState =
  | { name: 'editing' }
  | { name: 'sending'; to: string }
  | { name: 'sent'; to: string }
  /** Handed to the rep's mail program; `mailto` opens it again if nothing happened. */
  | { name: 'opened'; mailto: string }
  | { name: 'failed'; message: string; draft: InviteDraft };

export interface InviteFlowDeps {
  invite(request: CreateInviteRequest): Promise<CreateInviteResponse>;
  openMailto(url: string): void;
  locale: MailLocale;
}

/**
 * The invite dialog's steps, without the dialog: OK sends the invitation one of two ways, a failure is
 * said in plain words and can be retried or sent with the rep's own mail program instead.
 */
export function createInviteFlow(deps: InviteFlowDeps) {
  const state = signal<InviteFlowState>({ name: 'editing' });

  async function submit(draft: InviteDraft): Promise<void> {
    const current = state.value.name;
    if (current === 'sending') return;
    const email = draft.email.trim() || undefined;
    try {
      if (draft.withMailProgram) {
        const { mail } = await deps.invite({ role: draft.role, email, send: 'client', locale: deps.locale });
        if (!mail) throw new Error('The broker did not word the invitation');
        deps.openMailto(mail.mailto);
        state.value = { name: 'opened', mailto: mail.mailto };
      } else {
        state.value = { name: 'sending', to: email ?? '' };
        await deps.invite({ role: draft.role, email, send: 'server', locale: deps.locale });
        state.value = { name: 'sent', to: email ?? '' };
      }
    } catch (error) {
      const message = errorText(error, { audience: 'rep' });
      state.value = { name: 'failed', message, draft };
    }
  }

  return {
    state: state as ReadonlySignal<InviteFlowState>,
    submit,
    retry: () => (state.value.name === 'failed' ? submit(state.value.draft) : Promise.resolve()),
    useMailProgram: () =>
      state.value.name === 'failed' ? submit({ ...state.value.draft, withMailProgram: true }) : Promise.resolve(),
    /** Back to the form (e.g. to fix the address after a failure). */
    edit: () => void (state.value = { name: 'editing' }),
  };
}

export type InviteFlow = ReturnType<typeof createInviteFlow>;
