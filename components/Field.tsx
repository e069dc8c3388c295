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
  required?: boolean;
  inputMode?: 'text' | 'numeric' | 'email';
  /** A line of help under the input, read with it by screen readers. */
  hint?: string;
  /** What is wrong with the value: shown under the input, announced, and tied to it. */
  error?: string;
  placeholder?: string;
  /** Anything else shown under the input. */
  children?: ComponentChildren;
}

/** A labelled text input (required unless told otherwise): the label gives it its accessible name. */
export function Field(props: Props) {
  const {
    id,
    label,
    value,
    onValue,
    type = 'text',
    autocomplete,
    maxLength,
    autofocus,
    required = true,
    inputMode,
    hint,
    error,
    placeholder,
    children,
  } = props;
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ');
  return (
    <div>
      <label for={id}>{label}</label>
      <input
        id={id}
        type={type}
        required={required}
        aria-describedby={described || undefined}
        aria-invalid={error ? true : undefined}
        placeholder={placeholder}
        inputMode={inputMode}
        autocomplete={autocomplete}
        maxLength={maxLength}
        autofocus={autofocus}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
      />
      {hint && (
        <p id={`${id}-hint`} class="muted hint field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} class="error" role="alert">
          {error}
        </p>
      )}
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

/** A labelled checkbox: the text beside it is its accessible name. */
export function Checkbox(props: {
  label: string;
  checked: boolean;
  disabled?: boolean;
  onChecked(on: boolean): void;
  title?: string;
}) {
  return (
    <label class="checkbox" title={props.title}>
      <input
        type="checkbox"
        checked={props.checked}
        disabled={props.disabled}
        onChange={(e) => props.onChecked(e.currentTarget.checked)}
      />
      {props.label}
    </label>
  );
}
