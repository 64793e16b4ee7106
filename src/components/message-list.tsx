/**
 * `MessageList`: the thread, oldest first, with one memoised row and one subscription per entry so
 * streaming re-renders only the streaming row.
 */
import { forwardRef, memo, useEffect, useRef, type ComponentPropsWithoutRef, type ReactNode } from 'react';
import { entryOf, type ResponseEntry, type ThreadEntry, type UserEntry } from '../core/session-state.js';
import { useSessionController } from '../react/session-context.js';
import { useMessage, useMessageIds } from '../react/use-message.js';
import { useResponseVersions } from '../react/use-response-versions.js';
import { useSessionSelector } from '../react/use-session-selector.js';
import { useChatLabel } from './chat-context.js';
import { useComposedRefs } from './compose-refs.js';
import { FileAttachment } from './file-attachment.js';
import { PartRenderersProvider, type DataRenderers, type ToolRenderers } from './parts-context.js';
import { StopButton } from './stop-button.js';
import { ResponseControls } from './response-controls.js';
import { DEFAULT_RESPONSE_LABELS, ResponseView, viewOf, type RenderContent, type ResponseLabels } from './response-view.js';

export interface MessageListProps extends Omit<ComponentPropsWithoutRef<'section'>, 'children'> {
  /** Accessible name of the thread. Default: "<chat label> messages" inside a chat, else "Messages". */
  label?: string;
  /**
   * Renders a response's text (e.g. markdown to React elements). Keep it stable (module scope or
   * `useCallback`): rows are memoised on it. Default: plain text.
   */
  renderContent?: RenderContent;
  /** Texts for response endings and markers. Default: see `StreamingMessage`. */
  labels?: Partial<ResponseLabels>;
  /** Shown when the thread is empty. Default "No messages yet." */
  empty?: ReactNode;
  /** Label above the user's own messages. Default "You". */
  userLabel?: ReactNode;
  /** Keep the view pinned to the newest text while the reader is at the bottom. Default true. */
  stickToBottom?: boolean;
  /** Renderers for tool calls by tool name (see `ToolCall`). Keep the record stable. Default: the built-in view. */
  toolRenderers?: ToolRenderers;
  /** Renderers for `data-<name>` parts by name. Keep the record stable. Default: data parts are not shown. */
  dataRenderers?: DataRenderers;
}

interface RowProps {
  id: string;
  renderContent: RenderContent | undefined;
  labels: Partial<ResponseLabels> | undefined;
  userLabel: ReactNode;
}

function UserRow({ entry, userLabel }: { entry: UserEntry; userLabel: ReactNode }): ReactNode {
  return (
    <div data-ds-user-message="" data-pending={entry.pending ? '' : undefined} data-failed={entry.failed ? '' : undefined}>
      <span data-part="author">{userLabel}</span>
      <p data-part="content">{entry.text}</p>
      {entry.attachments && entry.attachments.length > 0 && (
        <ul data-part="attachments" aria-label="Attachments">
          {entry.attachments.map((a, i) => (
            <li key={i}>
              <FileAttachment file={a} />
            </li>
          ))}
        </ul>
      )}
      {entry.failed && (
        <p data-part="error" role="alert">
          Not sent: {entry.failed.message}
        </p>
      )}
    </div>
  );
}

/**
 * When several agents answer one turn, each streaming response gets its own stop, so stopping one
 * agent leaves the others running. The main StopButton still stops the whole turn. An agent's answers
 * to the turn (retries, regenerations) share one row, one version at a time.
 */
function ResponseRow({ entry, renderContent, labels }: { entry: ResponseEntry; renderContent: RenderContent | undefined; labels: Partial<ResponseLabels> | undefined }): ReactNode {
  const ctrl = useSessionController('MessageList');
  const v = useResponseVersions({ responseId: entry.responseId });
  const shared = useSessionSelector(ctrl, (s) => (s.turns[entry.turnId]?.responseKeys ?? []).some((k) => (entryOf(s, k) as ResponseEntry | undefined)?.agentId !== entry.agentId), entry.turnId);
  // The row is the version this tab shows (the thread path's pick); the switcher moves the pick.
  const shown = entry;
  const actions =
    shared && shown.status === 'streaming' ? (
      <StopButton target={{ kind: 'response', responseId: shown.responseId }} shortcut={false} data-part="stop" aria-label={`Stop ${shown.agentId}`}>
        Stop
      </StopButton>
    ) : undefined;
  return (
    <Item entry={entry}>
      <ResponseView response={viewOf(shown)} renderContent={renderContent} labels={labels} actions={actions} footer={<ResponseControls v={v} labels={{ ...DEFAULT_RESPONSE_LABELS, ...labels }} />} />
    </Item>
  );
}

function Item({ entry, children }: { entry: ThreadEntry; children: ReactNode }): ReactNode {
  return (
    <li data-ds-message="" data-role={entry.kind === 'user' ? 'user' : 'agent'} data-turn-id={entry.turnId} data-key={entry.key}>
      {children}
    </li>
  );
}

// One subscription per row: a token re-renders only the streaming row, and a finished entry keeps its
// identity in the store, so its row never renders again.
const Row = memo(function Row({ id, renderContent, labels, userLabel }: RowProps): ReactNode {
  const entry: ThreadEntry | undefined = useMessage({ key: id }).message;
  if (!entry) return null;
  return entry.kind === 'user' ? (
    <Item entry={entry}>
      <UserRow entry={entry} userLabel={userLabel} />
    </Item>
  ) : (
    <ResponseRow entry={entry} renderContent={renderContent} labels={labels} />
  );
});

/**
 * The thread, oldest first: user messages and agent responses (several per turn when several agents
 * answer, each with its `AgentBadge`). Rows are keyed by entry and memoised, so streaming re-renders
 * one row per frame. The thread is a focusable, labelled scroll region for keyboard users.
 */
export const MessageList = forwardRef<HTMLElement, MessageListProps>(function MessageList(
  { label, renderContent, labels, empty = 'No messages yet.', userLabel = 'You', stickToBottom = true, toolRenderers, dataRenderers, ...rest },
  ref,
) {
  const { ids } = useMessageIds();
  const chatLabel = useChatLabel();
  const name = label ?? (chatLabel ? `${chatLabel} messages` : 'Messages');
  const scroller = useRef<HTMLElement>(null);
  const outer = useComposedRefs(scroller, ref);
  const list = useRef<HTMLOListElement>(null);
  const pinned = useRef(true);

  useEffect(() => {
    const el = scroller.current;
    const content = list.current;
    if (!stickToBottom || !el || !content || typeof ResizeObserver === 'undefined') return;
    const onScroll = () => {
      pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
    };
    const observer = new ResizeObserver(() => {
      if (pinned.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(content);
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      observer.disconnect();
      el.removeEventListener('scroll', onScroll);
    };
  }, [stickToBottom]);

  return (
    <PartRenderersProvider toolRenderers={toolRenderers} dataRenderers={dataRenderers}>
      <section ref={outer} aria-label={name} tabIndex={0} data-ds-message-list="" data-empty={ids.length === 0 ? '' : undefined} {...rest}>
        {ids.length === 0 && <p data-part="empty">{empty}</p>}
        <ol ref={list} data-part="items">
          {ids.map((id) => (
            <Row key={id} id={id} renderContent={renderContent} labels={labels} userLabel={userLabel} />
          ))}
        </ol>
      </section>
    </PartRenderersProvider>
  );
});
MessageList.displayName = 'MessageList';
