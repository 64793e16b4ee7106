/**
 * `MessageList`: the path of the thread this tab shows, oldest first, with one memoised row and one
 * subscription per entry so streaming re-renders only the streaming row. Your messages can be edited
 * into new branches; older history is read a page at a time as the reader scrolls up.
 */
import { memo, useEffect, useMemo, useRef, useState, type ComponentPropsWithoutRef, type Dispatch, type ReactNode, type SetStateAction } from 'react';
import { entryOf, type ResponseEntry, type SessionState, type ThreadEntry, type UserEntry } from '../core/session-state.js';
import { selectPath, threadTree, type ThreadTree } from '../core/thread-tree.js';
import { useSessionController } from '../react/session-context.js';
import { useMessage } from '../react/use-message.js';
import { useResponseVersions } from '../react/use-response-versions.js';
import { shallowArrayEqual, useSessionSelector } from '../react/use-session-selector.js';
import { useThread } from '../react/use-thread.js';
import { BranchPicker } from './branch-picker.js';
import { Button } from './button.js';
import { useChatLabel, useEditRelay } from './chat-context.js';
import { useComposedRefs } from './compose-refs.js';
import { dataFlag } from './data-flag.js';
import { FileAttachment } from './file-attachment.js';
import { MessageEditor } from './message-editor.js';
import { namedForwardRef } from './named-forward-ref.js';
import { PartRenderersProvider, type DataRenderers, type ToolRenderers } from './parts-context.js';
import { StopButton } from './stop-button.js';
import { ResponseView, type RenderContent, type ResponseLabels } from './response-view.js';
import { DEFAULT_THREAD_LABELS, type ThreadLabels } from './thread-labels.js';
import { useThreadScroll } from './use-thread-scroll.js';

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
  /** Texts for editing, branches and older pages. Keep the record stable. Default: see `DEFAULT_THREAD_LABELS`. */
  threadLabels?: Partial<ThreadLabels>;
  /** Shown when the thread is empty. Default "No messages yet." */
  empty?: ReactNode;
  /** Label above the user's own messages. Default "You". */
  userLabel?: ReactNode;
  /** Whether your own messages offer "Edit" (sending the edit as a new branch). Default true. */
  allowEditing?: boolean;
  /** Keep the view pinned to the newest text while the reader is at the bottom. Default true. */
  stickToBottom?: boolean;
  /** Renderers for tool calls by tool name (see `ToolCall`). Keep the record stable. Default: the built-in view. */
  toolRenderers?: ToolRenderers;
  /** Renderers for `data-<name>` parts by name. Keep the record stable. Default: data parts are not shown. */
  dataRenderers?: DataRenderers;
}

/** What the list gives every row besides its id. */
interface RowData {
  renderContent: RenderContent | undefined;
  labels: Partial<ResponseLabels> | undefined;
  threadLabels: ThreadLabels;
  userLabel: ReactNode;
  allowEditing: boolean;
  editing: boolean;
  /** Sets which row's editor is open (the list shows one at a time); stable for the list's life. */
  setEditing: Dispatch<SetStateAction<string | null>>;
}

function UserRow({ entry, userLabel, threadLabels: l, allowEditing, editing, setEditing }: RowData & { entry: UserEntry }): ReactNode {
  const ctrl = useSessionController('MessageList');
  const mine = entry.clientId !== undefined && entry.clientId === ctrl.knownClientId;
  const canEdit = allowEditing && mine && !entry.pending && !entry.failed;
  const open = editing && canEdit;
  const row = useRef<HTMLDivElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);

  // Like a dialog, a closed editor gives focus back to what opened it — unless the reader has moved
  // on. After a save the row shows the new message, whose Edit button appears once it is sent.
  useEffect(() => {
    if (open) {
      returnFocus.current = true;
      return;
    }
    const button = editButton.current;
    if (!returnFocus.current || !button) return;
    returnFocus.current = false;
    const active = document.activeElement;
    if (!active || active === document.body || row.current?.contains(active)) button.focus();
  }, [open, canEdit]);

  return (
    <div ref={row} data-ds-user-message="" data-pending={dataFlag(entry.pending)} data-failed={dataFlag(entry.failed)} data-editing={dataFlag(open)}>
      <span data-part="author">{userLabel}</span>
      {open ? <MessageEditor entry={entry} labels={l} onClose={() => setEditing((current) => (current === entry.key ? null : current))} /> : <p data-part="content">{entry.text}</p>}
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
      <div data-part="actions">
        <BranchPicker messageKey={entry.key} labels={{ group: l.branches, previous: l.previousBranch, next: l.nextBranch }} />
        {canEdit && !open && (
          <button ref={editButton} type="button" data-part="edit" aria-label={l.editMessage} onClick={() => setEditing(entry.key)}>
            {l.edit}
          </button>
        )}
      </div>
    </div>
  );
}

/**
 * When several agents answer one turn, each streaming response gets its own stop, so stopping one
 * agent leaves the others running. The main StopButton still stops the whole turn. An agent's answers
 * to the turn (retries, regenerations) share one row, one version at a time.
 */
function ResponseRow({ entry, renderContent, labels }: RowData & { entry: ResponseEntry }): ReactNode {
  const ctrl = useSessionController('MessageList');
  const v = useResponseVersions({ responseId: entry.responseId });
  const shared = useSessionSelector(ctrl, (s) => (s.turns[entry.turnId]?.responseKeys ?? []).some((k) => (entryOf(s, k) as ResponseEntry | undefined)?.agentId !== entry.agentId), entry.turnId);
  // The row is the version this tab shows (the thread path's pick); the switcher moves the pick.
  const actions =
    shared && entry.status === 'streaming' ? (
      <StopButton target={{ kind: 'response', responseId: entry.responseId }} shortcut={false} data-part="stop" aria-label={`Stop ${entry.agentId}`}>
        Stop
      </StopButton>
    ) : undefined;
  return <ResponseView response={entry} versions={v} renderContent={renderContent} labels={labels} actions={actions} />;
}

// One subscription per row: a token re-renders only the streaming row, and a finished entry keeps its
// identity in the store, so its row never renders again.
const Row = memo(function Row({ id, ...data }: RowData & { id: string }): ReactNode {
  const entry: ThreadEntry | undefined = useMessage({ key: id }).message;
  if (!entry) return null;
  return (
    <li data-ds-message="" data-role={entry.kind === 'user' ? 'user' : 'agent'} data-turn-id={entry.turnId} data-key={entry.key}>
      {entry.kind === 'user' ? <UserRow entry={entry} {...data} /> : <ResponseRow entry={entry} {...data} />}
    </li>
  );
});

/**
 * The turn that names a user message's place: the first of the turns at its branch point (itself,
 * unless it is an edit). Not the branch point itself: a turn of an older client follows whichever
 * turn was loaded before it, and that changes as older pages arrive.
 */
function firstSibling(tree: ThreadTree, turnId: string): string {
  const point = tree.parent.get(turnId);
  return (point === undefined ? undefined : tree.children.get(point)?.[0]) ?? turnId;
}

/**
 * The React key of each row on the path: the place it fills rather than the entry in it, so picking
 * another branch or version re-renders the row in place (focus stays on the picker) instead of
 * replacing it. A user message's place is its first sibling; an answer's is its turn and agent.
 */
const slotsOf = new WeakMap<object, string[]>();

function selectRowSlots(s: SessionState): string[] {
  // Every store change asks (a token too); the answer changes only with the path.
  const path = selectPath(s);
  const hit = slotsOf.get(path);
  if (hit) return hit;
  const tree = threadTree(s);
  const seen = new Set<string>();
  const slots = path.keys.map((key) => {
    const e = entryOf(s, key);
    const slot = !e ? key : e.kind === 'user' ? `user ${firstSibling(tree, e.turnId)}` : `agent ${e.turnId} ${e.agentId}`;
    if (seen.has(slot)) return key;
    seen.add(slot);
    return slot;
  });
  slotsOf.set(path, slots);
  return slots;
}

/** Your newest sent message on the shown path: what Up in an empty message box edits. */
function lastOwnMessage(s: SessionState, clientId: string | undefined): string | undefined {
  if (clientId === undefined) return undefined;
  const keys = selectPath(s).keys;
  for (let i = keys.length - 1; i >= 0; i--) {
    const e = entryOf(s, keys[i]);
    if (e?.kind === 'user' && e.clientId === clientId && !e.pending && !e.failed) return e.key;
  }
  return undefined;
}

/**
 * The path of the thread this tab shows, oldest first: user messages and agent responses (several
 * per turn when several agents answer, each with its `AgentBadge`). Your sent messages have "Edit",
 * which opens an inline editor (Enter saves as a new branch, Esc cancels); a message with branches
 * shows a `BranchPicker`. Scrolling near the top reads the next older page ("Load earlier messages"
 * does the same from the keyboard) and keeps the message you were reading in place. Rows are memoised,
 * so streaming re-renders one row per frame. The thread is a focusable, labelled scroll region.
 *
 * @example
 * <MessageList allowEditing={false} threadLabels={{ loadOlder: 'Show older' }} />
 */
export const MessageList = namedForwardRef<HTMLElement, MessageListProps>('MessageList', function MessageList(
  { label, renderContent, labels, threadLabels, empty = 'No messages yet.', userLabel = 'You', allowEditing = true, stickToBottom = true, toolRenderers, dataRenderers, ...rest },
  ref,
) {
  const ctrl = useSessionController('MessageList');
  const { ids, hasOlder, loadingOlder, loadOlder } = useThread({ messages: false });
  const slots = useSessionSelector(ctrl, selectRowSlots, '', shallowArrayEqual);
  const chatLabel = useChatLabel();
  const name = label ?? (chatLabel ? `${chatLabel} messages` : 'Messages');
  const l = useMemo(() => ({ ...DEFAULT_THREAD_LABELS, ...threadLabels }), [threadLabels]);
  const scroller = useRef<HTMLElement>(null);
  const outer = useComposedRefs(scroller, ref);
  const list = useRef<HTMLOListElement>(null);
  useThreadScroll({ scroller, content: list, ids, stickToBottom, canLoadOlder: hasOlder && !loadingOlder, loadOlder });

  const [editing, setEditing] = useState<string | null>(null);
  const relay = useEditRelay();
  useEffect(() => {
    if (!relay || !allowEditing) return;
    return relay.listen(() => {
      const key = lastOwnMessage(ctrl.store.getState(), ctrl.knownClientId);
      if (key !== undefined) setEditing(key);
      return key !== undefined;
    });
  }, [relay, allowEditing, ctrl]);

  return (
    <PartRenderersProvider toolRenderers={toolRenderers} dataRenderers={dataRenderers}>
      <section ref={outer} aria-label={name} tabIndex={0} data-ds-message-list="" data-empty={dataFlag(ids.length === 0)} data-loading-older={dataFlag(loadingOlder)} {...rest}>
        {ids.length === 0 && !hasOlder && <p data-part="empty">{empty}</p>}
        {loadingOlder ? (
          <div data-part="older" role="status">
            {l.loadingOlder}
          </div>
        ) : (
          hasOlder && (
            <div data-part="paging">
              <Button data-part="load-older" onClick={loadOlder}>
                {l.loadOlder}
              </Button>
            </div>
          )
        )}
        <ol ref={list} data-part="items">
          {ids.map((id, i) => (
            <Row
              key={slots[i] ?? id}
              id={id}
              renderContent={renderContent}
              labels={labels}
              threadLabels={l}
              userLabel={userLabel}
              allowEditing={allowEditing}
              editing={editing === id}
              setEditing={setEditing}
            />
          ))}
        </ol>
      </section>
    </PartRenderersProvider>
  );
});
