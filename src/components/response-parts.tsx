/**
 * `ResponseParts`: a response's parts in order — text, reasoning, tool calls, sources, files, data —
 * each memoised, so a token re-renders only the part it changed.
 */
import { memo, type ReactNode } from 'react';
import { isDataPart, type ResponsePart, type SourcePart } from '../core/parts.js';
import type { ResponseStatus } from '../core/protocol.js';
import { FileAttachment } from './file-attachment.js';
import { usePartRenderers } from './parts-context.js';
import { Reasoning } from './reasoning.js';
import type { RenderContent } from './response-view.js';
import { Sources } from './sources.js';
import { ToolCall } from './tool-call.js';

interface PartProps {
  part: ResponsePart;
  status: ResponseStatus | 'idle';
  agentId: string | undefined;
  responseId: string | undefined;
  renderContent: RenderContent | undefined;
}

// Props are the part and primitives: a part the reducer did not touch keeps its identity, so it
// skips rendering while the text after it streams.
const Part = memo(function Part({ part, status, agentId, responseId, renderContent }: PartProps): ReactNode {
  const { dataRenderers } = usePartRenderers();
  switch (part.type) {
    case 'text':
      return <div data-part="text">{renderContent ? renderContent(part.text, { status, agentId, responseId }) : part.text}</div>;
    case 'reasoning':
      return <Reasoning part={part} />;
    case 'tool-call':
      return <ToolCall part={part} responseStatus={status === 'idle' ? undefined : status} />;
    case 'file':
      return <FileAttachment file={part} />;
    default: {
      // Sources never get here (ResponseParts gathers them into lists); unknown types show nothing.
      if (!isDataPart(part)) return null;
      const render = dataRenderers?.[part.name];
      return render ? (
        <div data-part="data" data-name={part.name}>
          {render(part)}
        </div>
      ) : null;
    }
  }
});

export interface ResponsePartsProps extends Omit<PartProps, 'part'> {
  parts: readonly ResponsePart[];
}

/** Renders parts in order; a run of sources becomes one numbered list where it was cited. */
export function ResponseParts({ parts, ...rest }: ResponsePartsProps): ReactNode {
  const out: ReactNode[] = [];
  let sources: SourcePart[] = [];
  const flush = () => {
    if (sources.length === 0) return;
    out.push(<Sources key={`sources-${sources[0].id}`} sources={sources} />);
    sources = [];
  };
  for (const p of parts) {
    if (p.type === 'source') {
      sources.push(p);
      continue;
    }
    flush();
    out.push(<Part key={p.id} part={p} {...rest} />);
  }
  flush();
  return out;
}
