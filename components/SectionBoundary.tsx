import { Component, Fragment, type ComponentChildren } from 'preact';
import { t } from '../core/i18n';

interface Props {
  /** What this part is, for the message ("Chat", "Participants"…). */
  name: string;
  children: ComponentChildren;
}

/**
 * Keeps a failure in one part of a page from blanking the rest: whatever goes wrong while rendering
 * `children` shows as "this part failed to load" with a way to try again, and the rest stays usable.
 */
export class SectionBoundary extends Component<Props, { failed: boolean; attempt: number }> {
  override state = { failed: false, attempt: 0 };

  static override getDerivedStateFromError() {
    return { failed: true };
  }

  override componentDidCatch(error: unknown) {
    console.error(`${this.props.name} failed to render`, error);
  }

  override render() {
    if (this.state.failed) {
      return (
        <section class="card stack" role="alert" aria-label={this.props.name}>
          <p>{t('sectionFailed', { name: this.props.name })}</p>
          <div>
            <button type="button" onClick={() => this.setState({ failed: false, attempt: this.state.attempt + 1 })}>
              {t('reloadSection')}
            </button>
          </div>
        </section>
      );
    }
    // A new key on retry mounts the children afresh.
    return <Fragment key={this.state.attempt}>{this.props.children}</Fragment>;
  }
}
