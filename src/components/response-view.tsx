/**
 * `ResponseView`: the markup of one agent response, shared by `StreamingMessage` and the rows of
 * `MessageList`, with its endings, markers and a polite announcement of the finished answer.
 */
import { useState, type ComponentPropsWithoutRef, type ReactNode } from 'react';
import type { ResponsePart } from '../core/parts.js';
import type { ResponseStatus } from '../core/protocol.js';
import type { ResponseEntry } from '../core/session-state.js';
import type { UseResponseVersionsResponse } from '../react/use-response-versions.js';
import { AgentBadge } from './agent-badge.js';
import { dataFlag } from './data-flag.js';
import { namedForwardRef } from './named-forward-ref.js';
import { ResponseControls } from './response-controls.js';
import { ResponseParts } from './response-parts.js';

/** What a `renderContent` function gets besides the text. */
export interface ContentInfo {
  status: ResponseStatus | 'idle';
  agentId: string | undefined;
  responseId: string | undefined;
}

/**
 * Renders a response's text — each text part, between the reasoning, tool calls and files around it.
 * Receives plain text and must not inject it as HTML; return elements (e.g. from a markdown renderer
 * that builds React nodes).
 */
export type RenderContent = (text: string, info: ContentInfo) => ReactNode;

export interface ResponseLabels {
  /** Shown under a response the user stopped. Default "Cancelled". */
  cancelled: ReactNode;
  /** Shown under a response that failed; gets the agent's message. Default "Error: <message>". */
  error: (message: string | undefined) => ReactNode;
  /** Shown while a hole in the text is being fetched from history. Default "Catching up…". */
  catchingUp: ReactNode;
  /** Marks a response this client picked up part-way. Default "resumed". */
  resumed: ReactNode;
  /** Shown under a response whose agent went away mid-answer. Default "The assistant stopped responding". */
  interrupted: ReactNode;
  /** The button that asks again after an interrupted, failed or cancelled response. Default "Retry". */
  retry: ReactNode;
  /** The button that asks for another answer to a complete response. Default "Regenerate". */
  regenerate: ReactNode;
  /** Accessible names of the version switcher and its buttons. Default "Versions", "Previous version", "Next version". */
  versions: string;
  previous: string;
  next: string;
}

export const DEFAULT_RESPONSE_LABELS: ResponseLabels = {
  cancelled: 'Cancelled',
  error: (m) => `Error: ${m ?? 'the agent could not finish'}`,
  catchingUp: 'Catching up…',
  resumed: 'resumed',
  interrupted: 'The assistant stopped responding',
  retry: 'Retry',
  regenerate: 'Regenerate',
  versions: 'Versions',
  previous: 'Previous version',
  next: 'Next version',
};

/** What `ResponseView` reads of a response: a stored version, or the idle placeholder. */
type ShownResponse = Pick<ResponseEntry, 'text' | 'parts' | 'resumed' | 'error' | 'gap'> & Partial<Pick<ResponseEntry, 'agentId' | 'responseId'>> & { status: ResponseStatus | 'idle' };

/** Shown while there is no response to show yet. */
const IDLE: ShownResponse = { text: '', parts: [], status: 'idle' };

export interface ResponseViewProps extends Omit<ComponentPropsWithoutRef<'article'>, 'children'> {
  /** The version to show; undefined shows an idle response. */
  response: ResponseEntry | undefined;
  /** The versions of its answer, for Retry / Regenerate and the switcher after the ending. */
  versions: UseResponseVersionsResponse;
  renderContent?: RenderContent | undefined;
  labels?: Partial<ResponseLabels> | undefined;
  showAgent?: boolean | undefined;
  /** Controls shown in the response's header, e.g. a stop for this response alone. */
  actions?: ReactNode;
}

/**
 * The markup of one response, shared by `StreamingMessage` and `MessageList` rows. Tokens are not
 * announced: the polite announcer stays empty while streaming and receives the whole answer once it
 * ends — but only for a response this view saw streaming, so history does not read itself out.
 */
export const ResponseView = namedForwardRef<HTMLElement, ResponseViewProps>('ResponseView', function ResponseView({ response, versions, renderContent, labels, showAgent = true, actions, ...rest }, ref) {
  const r = response ?? IDLE;
  const l = { ...DEFAULT_RESPONSE_LABELS, ...labels };
  const streaming = r.status === 'streaming';
  const [sawStreaming, setSawStreaming] = useState(streaming);
  if (streaming && !sawStreaming) setSawStreaming(true);

  const ending = r.status === 'error' ? l.error(r.error) : r.status === 'cancelled' || r.status === 'interrupted' ? l[r.status] : null;

  const finished = !streaming && r.status !== 'idle';
  const who = r.agentId ? `${r.agentId}: ` : '';
  const announcement = sawStreaming && finished ? `${who}${r.text}${r.status === 'complete' ? '' : ` (${r.status})`}` : '';
  const info: ContentInfo = { status: r.status, agentId: r.agentId, responseId: r.responseId };

  return (
    <article
      ref={ref}
      data-ds-streaming-message=""
      data-status={r.status}
      data-agent-id={r.agentId}
      data-response-id={r.responseId}
      data-resumed={dataFlag(r.resumed)}
      data-catching-up={dataFlag(r.gap)}
      aria-busy={streaming}
      aria-label={r.agentId ? `Response from ${r.agentId}` : 'Response'}
      {...rest}
    >
      {((showAgent && (r.agentId || r.resumed)) || actions) && (
        <header data-part="header">
          {showAgent && r.agentId && <AgentBadge agentId={r.agentId} />}
          {showAgent && r.resumed && <span data-part="resumed">{l.resumed}</span>}
          {actions}
        </header>
      )}
      <div data-part="content">
        {r.parts.length > 0 ? (
          <ResponseParts parts={r.parts} status={r.status} agentId={r.agentId} responseId={r.responseId} renderContent={renderContent} />
        ) : renderContent ? (
          renderContent(r.text, info)
        ) : (
          r.text
        )}
        {streaming && <span data-part="cursor" aria-hidden="true" />}
      </div>
      {r.gap && <p data-part="catching-up">{l.catchingUp}</p>}
      {ending !== null && (
        <p data-part="ending" data-ending={r.status}>
          {ending}
        </p>
      )}
      <ResponseControls v={versions} labels={l} />
      <div data-part="announcer" data-ds-visually-hidden="" aria-live="polite" aria-atomic="true">
        {announcement}
      </div>
    </article>
  );
});
