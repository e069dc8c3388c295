import type { ComponentChildren } from 'preact';

interface Props {
  id: string;
  label: string;
  value: string;
  onValue(value: string): void;
  type?: 'text' | 'email' | 'password' | 'url';
  autocomplete?: string;
  maxLength?: number;
  autofocus?: boolean;
  /** Help or an error shown under the input. */
  children?: ComponentChildren;
}

/** A labelled, required text input: the label gives it its accessible name. */
export function Field({ id, label, value, onValue, type = 'text', autocomplete, maxLength, autofocus, children }: Props) {
  return (
    <div>
      <label for={id}>{label}</label>
      <input
        id={id}
        type={type}
        required
        autocomplete={autocomplete}
        maxLength={maxLength}
        autofocus={autofocus}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
      />
      {children}
    </div>
  );
}

/** An error said out loud to screen readers as it appears. */
export function ErrorLine({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p class="error" role="alert">
      {message}
    </p>
  );
}
