import { useId, useState, type ComponentPropsWithoutRef, type KeyboardEvent, type ReactNode, type TextareaHTMLAttributes } from 'react';
import type { ControlResult } from '../core/session-controller.js';
import { useSessionController } from '../react/session-context.js';
import { selectChatStatus } from '../react/use-durable-session.js';
import { useSessionSelector } from '../react/use-session-selector.js';
import { composeEventHandlers } from './compose-event-handlers.js';

type FormSubmitEvent = Parameters<NonNullable<ComponentPropsWithoutRef<'form'>['onSubmit']>>[0];

export interface ComposerProps extends Omit<ComponentPropsWithoutRef<'form'>, 'onSubmit'> {
  /** Label of the text field. Default "Message". */
  label?: ReactNode;
  /** Placeholder of the text field. Default "Ask anything…". */
  placeholder?: string;
  /** Label of the send button. Default "Send". */
  sendLabel?: ReactNode;
  /** Whether a new message may be sent while a turn is still running. Default false. */
  allowWhileBusy?: boolean;
  /** Props for the text field; its `onKeyDown` runs before ours and can `preventDefault()` Enter-to-send. */
  textareaProps?: TextareaHTMLAttributes<HTMLTextAreaElement>;
  /** Runs before sending; `preventDefault()` cancels the send. Default: none. */
  onSubmit?: (event: FormSubmitEvent) => void;
  /** Called with the publish result of each message. Default: none. */
  onSend?: (result: ControlResult, text: string) => void;
  /** Extra controls after the send button, e.g. a `<StopButton />`. */
  children?: ReactNode;
}

/**
 * The message box: Enter sends, Shift+Enter adds a line. While a turn runs, sending waits (unless
 * `allowWhileBusy`) and `data-busy` is set; a message that fails to send is put back in the box.
 */
export function Composer({
  label = 'Message',
  placeholder = 'Ask anything…',
  sendLabel = 'Send',
  allowWhileBusy = false,
  textareaProps,
  onSubmit,
  onSend,
  children,
  ...rest
}: ComposerProps): ReactNode {
  const ctrl = useSessionController('Composer');
  const status = useSessionSelector(ctrl, selectChatStatus);
  const busy = status === 'submitted' || status === 'streaming';
  const [value, setValue] = useState('');
  const id = useId();
  const canSend = value.trim() !== '' && (allowWhileBusy || !busy);

  const submit = () => {
    const text = value.trim();
    if (!text || (busy && !allowWhileBusy)) return;
    setValue('');
    void ctrl.send(text).then((result) => {
      if (!result.ok) setValue((current) => (current === '' ? text : current));
      onSend?.(result, text);
    });
  };

  const handleSubmit = composeEventHandlers<FormSubmitEvent>(onSubmit, (e) => {
    e.preventDefault();
    submit();
  });

  const handleKeyDown = composeEventHandlers<KeyboardEvent<HTMLTextAreaElement>>(textareaProps?.onKeyDown, (e) => {
    if (e.key !== 'Enter' || e.shiftKey || e.nativeEvent.isComposing) return;
    e.preventDefault();
    e.currentTarget.form?.requestSubmit();
  });

  return (
    <form data-ds-composer="" data-busy={busy ? '' : undefined} data-status={status} {...rest} onSubmit={handleSubmit}>
      <label htmlFor={id} data-part="label">
        {label}
      </label>
      <textarea
        id={id}
        data-part="input"
        rows={2}
        placeholder={placeholder}
        {...textareaProps}
        value={value}
        onChange={composeEventHandlers(textareaProps?.onChange, (e) => setValue(e.target.value))}
        onKeyDown={handleKeyDown}
      />
      <div data-part="actions">
        <button type="submit" data-part="send" aria-disabled={!canSend}>
          {sendLabel}
        </button>
        {children}
      </div>
    </form>
  );
}
