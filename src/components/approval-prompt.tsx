/**
 * `ApprovalPrompt`: Approve / Deny for a tool call that waits for a person, and — in every tab — who
 * decided once the agent acknowledged it.
 */
import { useId, useState, type ComponentPropsWithoutRef, type ReactNode } from 'react';
import type { ApprovalDecision } from '../core/parts.js';
import type { ControlResult } from '../core/session-controller.js';
import { useSessionController } from '../react/session-context.js';
import { useToolCall } from '../react/use-tool-call.js';
import { Button } from './button.js';
import { namedForwardRef } from './named-forward-ref.js';
import { STATUS_REGION } from './status-region.js';

/** What the prompt shows; exposed as `data-state`. */
export type ApprovalPromptState = 'none' | 'waiting' | 'sending' | 'sent' | 'approved' | 'denied' | 'expired';

export interface ApprovalPromptLabels {
  waiting: ReactNode;
  approve: ReactNode;
  deny: ReactNode;
  reason: ReactNode;
  /** While this tab's decision is on its way. */
  sending: (approved: boolean) => ReactNode;
  /** Once a decision was sent, until the agent acknowledges it. */
  sent: (approved: boolean) => ReactNode;
  /** The settled outcome; `by` is "you" for this user. */
  decided: (decision: ApprovalDecision, by: string) => ReactNode;
  /** The response ended before anyone decided. */
  expired: ReactNode;
}

export const DEFAULT_APPROVAL_LABELS: ApprovalPromptLabels = {
  waiting: 'Waiting for approval',
  approve: 'Approve',
  deny: 'Deny',
  reason: 'Reason for denying (optional)',
  sending: (ok) => (ok ? 'Approving…' : 'Denying…'),
  sent: (ok) => `${ok ? 'Approved' : 'Denied'} — waiting for the agent`,
  decided: (d, by) => `${d.approved ? 'Approved' : 'Denied'} by ${by}${d.reason ? `: ${d.reason}` : ''}`,
  expired: 'Not decided: the response ended',
};

export interface ApprovalPromptProps extends Omit<ComponentPropsWithoutRef<'div'>, 'children'> {
  /** The tool call to decide. */
  toolCallId: string;
  /** Override any of the texts. Default: English texts such as "Approved by bob". */
  labels?: Partial<ApprovalPromptLabels>;
  /** Whether to offer a reason field for denying. Default true. */
  showReason?: boolean;
  /** Called with the publish result of each decision. Default: none. */
  onDecide?: (result: ControlResult, approved: boolean) => void;
}

/**
 * Approve / Deny buttons for a call in `awaiting-approval` (plain buttons, so Tab, Enter and Space
 * work), an optional reason for denying, and a polite live region that says who decided — the same
 * in every tab. While this tab's decision is sending, the buttons are `aria-disabled` and ignore
 * clicks. Renders nothing for a call that never needed approval.
 *
 * @example
 * <ApprovalPrompt toolCallId={part.toolCallId} labels={{ approve: 'Send it' }} />
 */
export const ApprovalPrompt = namedForwardRef<HTMLDivElement, ApprovalPromptProps>('ApprovalPrompt', function ApprovalPrompt({ toolCallId, labels, showReason = true, onDecide, ...rest }, ref) {
  const l = { ...DEFAULT_APPROVAL_LABELS, ...labels };
  const ctrl = useSessionController('ApprovalPrompt');
  const { toolCall, response, decision, approve, deny } = useToolCall({ toolCallId });
  const [reason, setReason] = useState('');
  const reasonId = useId();
  if (!toolCall || (!toolCall.needsApproval && !toolCall.approval)) return null;

  const { approval } = toolCall;
  let state: ApprovalPromptState = 'none';
  let status: ReactNode = null;
  if (approval) {
    state = approval.approved ? 'approved' : 'denied';
    const by = approval.by;
    status = l.decided(approval, by === undefined ? 'someone' : by === ctrl.knownClientId ? 'you' : by);
  } else if (toolCall.state === 'awaiting-approval') {
    if (response?.status !== 'streaming') {
      state = 'expired';
      status = l.expired;
    } else if (decision?.status === 'sending' || decision?.status === 'sent') {
      state = decision.status;
      status = l[state](decision.approved);
    } else state = 'waiting';
  }
  if (state === 'none') return null;
  // The question stays while a decision can still be made or is on its way.
  const open = !approval && state !== 'expired';
  const busy = state !== 'waiting';

  const decide = (approved: boolean) => {
    const why = reason.trim();
    const run = approved ? approve() : deny(why ? { reason: why } : {});
    void run.then((r) => onDecide?.(r, approved));
  };

  return (
    <div ref={ref} role="group" aria-label={`Approval for ${toolCall.toolName}`} data-ds-approval-prompt="" data-state={state} {...rest}>
      {open && (
        <>
          <p data-part="question">{l.waiting}</p>
          {showReason && (
            <div data-part="reason">
              <label htmlFor={reasonId}>{l.reason}</label>
              <input id={reasonId} type="text" autoComplete="off" value={reason} onChange={(e) => setReason(e.target.value)} readOnly={busy} />
            </div>
          )}
          <div data-part="actions">
            <Button data-part="approve" unavailable={busy} onClick={() => decide(true)}>
              {l.approve}
            </Button>
            <Button data-part="deny" unavailable={busy} onClick={() => decide(false)}>
              {l.deny}
            </Button>
          </div>
        </>
      )}
      <p data-part="status" {...STATUS_REGION}>
        {status}
      </p>
    </div>
  );
});
