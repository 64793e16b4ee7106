/**
 * `ToolCall`: one tool call as it happens — name, input streamed as JSON text, a spinner while it
 * runs, its output or error, and the approval prompt when it needs a person.
 */
import { forwardRef, type ComponentPropsWithoutRef, type ReactNode } from 'react';
import { isSettledToolState, type ToolCallPart, type ToolCallState } from '../core/parts.js';
import type { ResponseStatus } from '../core/protocol.js';
import { useToolCall } from '../react/use-tool-call.js';
import { ApprovalPrompt, type ApprovalPromptLabels } from './approval-prompt.js';
import { dataFlag } from './data-flag.js';
import { namedForwardRef } from './named-forward-ref.js';
import { usePartRenderers, type ToolRenderers } from './parts-context.js';

export const DEFAULT_TOOL_STATE_LABELS: Record<ToolCallState | 'interrupted', string> = {
  'input-streaming': 'Preparing…',
  'input-available': 'Ready',
  'awaiting-approval': 'Needs approval',
  running: 'Running…',
  'output-available': 'Done',
  'output-error': 'Failed',
  denied: 'Denied',
  interrupted: 'Interrupted',
};

interface ToolCallBaseProps extends Omit<ComponentPropsWithoutRef<'div'>, 'children' | 'part'> {
  /** Renderers by tool name, replacing the default body. Default: those of the enclosing chat (`toolRenderers`). */
  renderers?: ToolRenderers;
  /** Status of the response holding the call; a call left unfinished by an ended response shows "Interrupted". Default: read from the session. */
  responseStatus?: ResponseStatus;
  /** Texts for each state. Default: "Preparing…", "Running…", "Done", … */
  stateLabels?: Partial<Record<ToolCallState | 'interrupted', ReactNode>>;
  /** Texts of the approval prompt. Default: see `ApprovalPrompt`. */
  approvalLabels?: Partial<ApprovalPromptLabels>;
}

export type ToolCallProps = ToolCallBaseProps & ({ toolCallId: string; part?: undefined } | { part: ToolCallPart; toolCallId?: undefined });

/** A value as readable text: strings as they are, anything else as indented JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

const Followed = forwardRef<HTMLDivElement, ToolCallBaseProps & { toolCallId: string }>(function Followed({ toolCallId, responseStatus, ...rest }, ref) {
  const { toolCall, response } = useToolCall({ toolCallId });
  if (!toolCall) return null;
  return <ToolCallView ref={ref} part={toolCall} responseStatus={responseStatus ?? response?.status} {...rest} />;
});

const ToolCallView = forwardRef<HTMLDivElement, ToolCallBaseProps & { part: ToolCallPart }>(function ToolCallView(
  { part, renderers, responseStatus, stateLabels, approvalLabels, ...rest },
  ref,
) {
  const fromChat = usePartRenderers().toolRenderers;
  const render = (renderers ?? fromChat)?.[part.toolName];
  const interrupted = responseStatus !== undefined && responseStatus !== 'streaming' && !isSettledToolState(part.state);
  const labels = { ...DEFAULT_TOOL_STATE_LABELS, ...stateLabels };
  const running = part.state === 'running' && !interrupted;
  return (
    <div
      ref={ref}
      role="group"
      aria-label={`Tool ${part.toolName}`}
      aria-busy={running || (part.state === 'input-streaming' && !interrupted)}
      data-ds-tool-call=""
      data-state={part.state}
      data-interrupted={dataFlag(interrupted)}
      data-tool-name={part.toolName}
      {...rest}
    >
      <div data-part="header">
        <span data-part="name">{part.toolName}</span>
        <span data-part="state">
          {running && <span data-part="spinner" aria-hidden="true" />}
          {labels[interrupted ? 'interrupted' : part.state]}
        </span>
      </div>
      {render ? (
        render(part)
      ) : (
        <>
          {part.inputText !== '' && <pre data-part="input">{part.state === 'input-streaming' ? part.inputText : formatValue(part.input ?? part.inputText)}</pre>}
          {part.state === 'output-available' && <pre data-part="output">{formatValue(part.output)}</pre>}
          {part.state === 'output-error' && <p data-part="error">{part.errorText}</p>}
        </>
      )}
      {(part.needsApproval || part.approval) && <ApprovalPrompt toolCallId={part.toolCallId} labels={approvalLabels} />}
    </div>
  );
});

/**
 * One tool call, followed by `toolCallId` or drawn from a `part`. `data-state` is the call's state
 * (`input-streaming` … `denied`); `aria-busy` while its input streams or it runs. Register a
 * renderer per tool name here or once on the chat (`toolRenderers`); input and output are otherwise
 * shown as text, never as HTML.
 *
 * @example
 * <ToolCall toolCallId={id} renderers={{ weather: (p) => <WeatherCard data={p.output} /> }} />
 */
export const ToolCall = namedForwardRef<HTMLDivElement, ToolCallProps>('ToolCall', function ToolCall({ part, toolCallId, ...rest }, ref) {
  if (part) return <ToolCallView ref={ref} part={part} {...rest} />;
  return <Followed ref={ref} toolCallId={toolCallId!} {...rest} />;
});
