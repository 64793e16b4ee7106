/**
 * `Composer`: the message box that sends user messages — Enter sends, Shift+Enter adds a line — in
 * controlled or uncontrolled mode.
 */
import { useId, useState, type ComponentPropsWithoutRef, type ComponentPropsWithRef, type KeyboardEvent, type ReactNode } from 'react';
import type { Attachment } from '../core/parts.js';
import type { ControlResult } from '../core/session-controller.js';
import { useSessionController } from '../react/session-context.js';
import { selectChatStatus } from '../react/use-durable-session.js';
import { useSessionSelector } from '../react/use-session-selector.js';
import { AttachmentPicker, type AttachmentLabels } from './attachment-picker.js';
import { useEditRelay } from './chat-context.js';
import { composeEventHandlers } from './compose-event-handlers.js';
import { dataFlag } from './data-flag.js';
import { namedForwardRef } from './named-forward-ref.js';
import { submitOnEnter } from './submit-on-enter.js';
import { useControllableState } from './use-controllable-state.js';

type FormSubmitEvent = Parameters<NonNullable<ComponentPropsWithoutRef<'form'>['onSubmit']>>[0];

export interface ComposerProps extends Omit<ComponentPropsWithoutRef<'form'>, 'onSubmit' | 'defaultValue'> {
  /** Label of the text field. Default "Message". */
  label?: ReactNode;
  /** Placeholder of the text field. Default "Ask anything…". */
  placeholder?: string;
  /** Label of the send button. Default "Send". */
  sendLabel?: ReactNode;
  /** Whether to offer attaching files by URL ("Attach" reveals a URL field; chips are removable). Default true. */
  allowAttachments?: boolean;
  /** Texts of the attachment controls. Default: "Attach", "File URL", "Add", "Remove <name>". */
  attachmentLabels?: Partial<AttachmentLabels>;
  /** Whether a new message may be sent while a turn is still running. Default false. */
  allowWhileBusy?: boolean;
  /** The text in the box, for controlled use (with `onValueChange`). Default: uncontrolled. */
  value?: string;
  /** The initial text when uncontrolled. Default ''. */
  defaultValue?: string;
  /**
   * Called with the new text on every change — typing, the box clearing on send, a failed message
   * coming back. Required to see typing when `value` is given. Default: none.
   */
  onValueChange?: (value: string) => void;
  /**
   * Props for the text field (a `ref` too). Its handlers run before ours: `preventDefault()` in
   * `onKeyDown` stops Enter-to-send (and Up-to-edit), in `onChange` keeps the text unchanged. Default: none.
   */
  textareaProps?: Omit<ComponentPropsWithRef<'textarea'>, 'value' | 'defaultValue'>;
  /** Props for the send button (a `ref` too). Default: none. */
  buttonProps?: Omit<ComponentPropsWithRef<'button'>, 'type' | 'children'>;
  /** Runs before sending; `preventDefault()` cancels the send. Default: none. */
  onSubmit?: (event: FormSubmitEvent) => void;
  /** Called with the publish result of each message, and the files it carried. Default: none. */
  onSend?: (result: ControlResult, text: string, attachments: Attachment[]) => void;
  /** Extra controls after the send button, e.g. a `<StopButton />`. */
  children?: ReactNode;
}

/**
 * The message box: Enter sends, Shift+Enter adds a line; "Attach" adds files by URL. While a turn runs, sending waits (unless
 * `allowWhileBusy`) and `data-busy` is set; a message that fails to send is put back in the box.
 * Inside a `ChatRoot`, Up in the empty box opens the editor of your last message in the thread.
 *
 * @example
 * const [draft, setDraft] = useState('');
 * <Composer value={draft} onValueChange={setDraft} textareaProps={{ maxLength: 2000 }} />
 */
export const Composer = namedForwardRef<HTMLFormElement, ComposerProps>('Composer', function Composer(
  { label = 'Message', placeholder = 'Ask anything…', sendLabel = 'Send', allowAttachments = true, attachmentLabels, allowWhileBusy = false, value: valueProp, defaultValue, onValueChange, textareaProps, buttonProps, onSubmit, onSend, children, ...rest },
  ref,
) {
  const ctrl = useSessionController('Composer');
  const status = useSessionSelector(ctrl, selectChatStatus);
  const busy = status === 'submitted' || status === 'streaming';
  const { value, setValue } = useControllableState(valueProp, defaultValue ?? '', onValueChange);
  const [attachments, setAttachments] = useState<Attachment[]>([]);
  const edits = useEditRelay();
  const ownId = useId();
  const id = textareaProps?.id ?? ownId;
  const canSend = value.trim() !== '' && (allowWhileBusy || !busy);

  const submit = () => {
    if (!canSend) return;
    const text = value.trim();
    const files = attachments;
    setValue('');
    setAttachments([]);
    void ctrl.send(text, files.length > 0 ? { attachments: files } : {}).then((result) => {
      if (!result.ok) {
        setValue((current) => (current === '' ? text : current));
        setAttachments((current) => (current.length === 0 ? files : current));
      }
      onSend?.(result, text, files);
    });
  };

  const handleSubmit = composeEventHandlers<FormSubmitEvent>(onSubmit, (e) => {
    e.preventDefault();
    submit();
  });

  const handleKeyDown = composeEventHandlers<KeyboardEvent<HTMLTextAreaElement>>(textareaProps?.onKeyDown, (e) => {
    if (e.key === 'ArrowUp' && value === '' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey && !e.nativeEvent.isComposing) {
      if (edits?.editLast()) e.preventDefault();
    } else submitOnEnter(e);
  });

  return (
    <form ref={ref} data-ds-composer="" data-busy={dataFlag(busy)} data-status={status} {...rest} onSubmit={handleSubmit}>
      <label htmlFor={id} data-part="label">
        {label}
      </label>
      <textarea
        data-part="input"
        rows={2}
        placeholder={placeholder}
        {...textareaProps}
        id={id}
        value={value}
        onChange={composeEventHandlers(textareaProps?.onChange, (e) => setValue(e.target.value))}
        onKeyDown={handleKeyDown}
      />
      <div data-part="actions">
        <button {...buttonProps} type="submit" data-part="send" aria-disabled={!canSend}>
          {sendLabel}
        </button>
        {children}
      </div>
      {allowAttachments && <AttachmentPicker attachments={attachments} onChange={setAttachments} labels={attachmentLabels} />}
    </form>
  );
});
