/**
 * `StreamingMessage`: one agent response as it streams, followed by id or as the latest in the
 * session.
 */
import { forwardRef } from 'react';
import { useAgentStream } from '../react/use-agent-stream.js';
import { PartRenderersProvider, type DataRenderers, type ToolRenderers } from './parts-context.js';
import { ResponseView, type RenderContent, type ResponseLabels, type ResponseViewProps } from './response-view.js';

export interface StreamingMessageProps extends Omit<ResponseViewProps, 'response' | 'renderContent' | 'labels' | 'showAgent'> {
  /** The response to follow, or `'latest'` for the newest in the session. Default `'latest'`. */
  responseId?: string | 'latest';
  /** Renders the text (e.g. markdown to React elements). Default: the text as plain text. */
  renderContent?: RenderContent;
  /** Texts for the endings and markers. Default: "Cancelled", "Error: …", "Catching up…", "resumed". */
  labels?: Partial<ResponseLabels>;
  /** Whether to show the agent's badge. Default true. */
  showAgent?: boolean;
  /** Renderers for tool calls by tool name (see `ToolCall`). Default: the built-in view. */
  toolRenderers?: ToolRenderers;
  /** Renderers for `data-<name>` parts by name. Default: data parts are not shown. */
  dataRenderers?: DataRenderers;
}

/**
 * One agent response as it streams: a cursor while streaming, a visible ending when it was cancelled
 * or failed, and a polite announcement of the whole answer when it ends (not of every token).
 * `data-status` is `idle` | `streaming` | `complete` | `cancelled` | `error`.
 *
 * @example
 * <StreamingMessage responseId="latest" renderContent={(text) => <Markdown>{text}</Markdown>} />
 */
export const StreamingMessage = forwardRef<HTMLElement, StreamingMessageProps>(function StreamingMessage({ responseId = 'latest', renderContent, labels, showAgent, toolRenderers, dataRenderers, ...rest }, ref) {
  const s = useAgentStream({ responseId });
  return (
    <PartRenderersProvider toolRenderers={toolRenderers} dataRenderers={dataRenderers}>
      <ResponseView
        ref={ref}
        response={{ text: s.text, parts: s.parts, status: s.status, agentId: s.agentId, responseId: s.responseId, resumed: s.resumed, error: s.error, catchingUp: s.catchingUp }}
        renderContent={renderContent}
        labels={labels}
        showAgent={showAgent}
        {...rest}
      />
    </PartRenderersProvider>
  );
});
StreamingMessage.displayName = 'StreamingMessage';
