/**
 * `StreamingMessage`: one agent response as it streams, followed by id or as the latest in the
 * session.
 */
import { useAgentStream } from '../react/use-agent-stream.js';
import { useResponseVersions } from '../react/use-response-versions.js';
import { namedForwardRef } from './named-forward-ref.js';
import { PartRenderersProvider, type DataRenderers, type ToolRenderers } from './parts-context.js';
import { ResponseView, type RenderContent, type ResponseLabels, type ResponseViewProps } from './response-view.js';

export interface StreamingMessageProps extends Omit<ResponseViewProps, 'response' | 'renderContent' | 'labels' | 'showAgent' | 'versions'> {
  /** The response to follow, or `'latest'` for the newest in the session. Default `'latest'`. */
  responseId?: string | 'latest';
  /** Renders the text (e.g. markdown to React elements). Default: the text as plain text. */
  renderContent?: RenderContent;
  /**
   * Texts for the endings, markers and buttons. Default: "Cancelled", "Error: …", "The assistant
   * stopped responding", "Catching up…", "resumed", "Retry", "Regenerate".
   */
  labels?: Partial<ResponseLabels>;
  /** Whether to show the agent's badge. Default true. */
  showAgent?: boolean;
  /** Renderers for tool calls by tool name (see `ToolCall`). Default: the built-in view. */
  toolRenderers?: ToolRenderers;
  /** Renderers for `data-<name>` parts by name. Default: data parts are not shown. */
  dataRenderers?: DataRenderers;
}

/**
 * One agent response as it streams: a cursor while streaming, a visible ending when it was cancelled,
 * failed or its agent went away, and a polite announcement of the whole answer when it ends (not of
 * every token). Retry (or Regenerate, once complete) asks the agent again; the answers to one turn
 * are versions, paged with "‹ 1 / 2 ›". `data-status` is `idle` | `streaming` | `complete` |
 * `cancelled` | `error` | `interrupted`.
 *
 * @example
 * <StreamingMessage responseId="latest" renderContent={(text) => <Markdown>{text}</Markdown>} />
 */
export const StreamingMessage = namedForwardRef<HTMLElement, StreamingMessageProps>('StreamingMessage', function StreamingMessage({ responseId = 'latest', renderContent, labels, showAgent, toolRenderers, dataRenderers, ...rest }, ref) {
  const s = useAgentStream({ responseId });
  const v = useResponseVersions({ responseId: s.responseId });
  return (
    <PartRenderersProvider toolRenderers={toolRenderers} dataRenderers={dataRenderers}>
      <ResponseView
        ref={ref}
        response={v.selected}
        versions={v}
        renderContent={renderContent}
        labels={labels}
        showAgent={showAgent}
        {...rest}
      />
    </PartRenderersProvider>
  );
});
