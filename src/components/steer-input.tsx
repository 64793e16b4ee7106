/**
 * `SteerInput`: sends new instructions to the running agent and shows its acknowledgement, in
 * controlled or uncontrolled mode.
 */
import { useId, useState, type ChangeEvent, type ComponentPropsWithoutRef, type ComponentPropsWithRef, type ReactNode } from 'react';
import type { ControlTarget } from '../core/protocol.js';
import type { ControlResult } from '../core/session-controller.js';
import type { SteerRequest } from '../core/session-state.js';
import { useSteer } from '../react/use-steer.js';
import { composeEventHandlers } from './compose-event-handlers.js';
import { namedForwardRef } from './named-forward-ref.js';
import { STATUS_REGION } from './status-region.js';
import { useControllableState } from './use-controllable-state.js';

type FormSubmitEvent = Parameters<NonNullable<ComponentPropsWithoutRef<'form'>['onSubmit']>>[0];

/** What the acknowledgement line is showing; exposed as `data-ack` on the form. */
export type SteerAckView = 'none' | 'sending' | 'received' | 'applied' | 'rejected' | 'failed' | 'unavailable';

export interface SteerInputProps extends Omit<ComponentPropsWithoutRef<'form'>, 'children' | 'target' | 'defaultValue'> {
  /** Which turn to steer. Default: the latest pending or streaming turn. */
  target?: ControlTarget;
  /** Label of the text field. Default "Steer the response". */
  label?: ReactNode;
  /** Placeholder of the text field. Default "e.g. shorter, in French". */
  placeholder?: string;
  /** Label of the submit button. Default "Steer". */
  submitLabel?: ReactNode;
  /** How the acknowledgement reads. Default: "Sending steer…", "Applied: “…”", "Rejected: “…”". */
  formatAck?: (view: SteerAckView, steer: SteerRequest | undefined) => ReactNode;
  /** The text in the field, for controlled use (with `onValueChange`). Default: uncontrolled. */
  value?: string;
  /** The initial text when uncontrolled. Default ''. */
  defaultValue?: string;
  /**
   * Called with the new text on every change — typing, the field clearing on send, a failed steer
   * coming back. Required to see typing when `value` is given. Default: none.
   */
  onValueChange?: (value: string) => void;
  /** Props for the text field (a `ref` too). Its handlers run before ours and may `preventDefault()`. Default: none. */
  inputProps?: Omit<ComponentPropsWithRef<'input'>, 'value' | 'defaultValue'>;
  /** Props for the submit button (a `ref` too). Default: none. */
  buttonProps?: Omit<ComponentPropsWithRef<'button'>, 'type' | 'children'>;
  /** Called with the publish result of each steer. Default: none. */
  onSteer?: (result: ControlResult, text: string) => void;
}

function defaultAck(view: SteerAckView, s: SteerRequest | undefined): ReactNode {
  const quoted = s ? `“${s.text}”` : '';
  switch (view) {
    case 'sending':
      return `Sending steer ${quoted}…`;
    case 'received':
      return `Agent received ${quoted}`;
    case 'applied':
      return `Applied: ${quoted}`;
    case 'rejected':
      return `Rejected: ${quoted}${s?.reason ? ` (${s.reason})` : ''}`;
    case 'failed':
      return `Could not send ${quoted}`;
    case 'unavailable':
      return 'Nothing is running to steer.';
    case 'none':
      return null;
  }
}

/**
 * Sends new instructions to the running agent mid-generation and shows its acknowledgement (a polite
 * live region, so "Applied" is announced once). The field stays enabled between turns; submitting
 * with nothing running says so instead of sending.
 *
 * @example
 * <SteerInput placeholder="e.g. cite sources" onSteer={(result) => result.ok || console.warn(result.error.message)} />
 */
export const SteerInput = namedForwardRef<HTMLFormElement, SteerInputProps>('SteerInput', function SteerInput(
  {
    target,
    label = 'Steer the response',
    placeholder = 'e.g. shorter, in French',
    submitLabel = 'Steer',
    formatAck = defaultAck,
    value: valueProp,
    defaultValue,
    onValueChange,
    inputProps,
    buttonProps,
    onSteer,
    onSubmit,
    ...rest
  },
  ref,
) {
  const { steer, pending, lastAck, canSteer } = useSteer();
  const { value, setValue } = useControllableState(valueProp, defaultValue ?? '', onValueChange);
  const [unavailable, setUnavailable] = useState(false);
  const [failed, setFailed] = useState<SteerRequest | undefined>(undefined);
  const ownId = useId();
  const id = inputProps?.id ?? ownId;

  const blocked = unavailable && !canSteer;
  // What the line is about: the newest steer on its way, else the newer of this field's failed send
  // and the agent's last answer. Its status names the view, except that both steps of sending read
  // as "sending".
  const shown = blocked ? undefined : (pending[pending.length - 1] ?? (failed && (!lastAck || failed.at >= lastAck.at) ? failed : lastAck));
  const view: SteerAckView = blocked ? 'unavailable' : !shown ? 'none' : shown.status === 'sending' || shown.status === 'sent' ? 'sending' : shown.status;

  const handleSubmit = composeEventHandlers<FormSubmitEvent>(onSubmit, (e) => {
    e.preventDefault();
    const text = value.trim();
    if (!text) return;
    if (!canSteer) {
      setUnavailable(true);
      return;
    }
    setUnavailable(false);
    setValue('');
    void steer(text, target).then((result) => {
      if (!result.ok) {
        setValue(text);
        setFailed({ steerId: '', text, target: target ?? { kind: 'all' }, status: 'failed', at: Date.now() });
      }
      onSteer?.(result, text);
    });
  });

  return (
    <form ref={ref} data-ds-steer-input="" data-state={canSteer ? 'active' : 'idle'} data-ack={view} {...rest} onSubmit={handleSubmit}>
      <label htmlFor={id} data-part="label">
        {label}
      </label>
      <input
        data-part="input"
        type="text"
        autoComplete="off"
        placeholder={placeholder}
        {...inputProps}
        id={id}
        value={value}
        onChange={composeEventHandlers(inputProps?.onChange, (e: ChangeEvent<HTMLInputElement>) => {
          setValue(e.target.value);
          setUnavailable(false);
        })}
      />
      <button {...buttonProps} type="submit" data-part="submit" aria-disabled={!canSteer || value.trim() === ''}>
        {submitLabel}
      </button>
      <p data-part="ack" data-ack={view} {...STATUS_REGION}>
        {formatAck(view, shown)}
      </p>
    </form>
  );
});
