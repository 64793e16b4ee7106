/**
 * `DurableChat`, the drop-in chat, and `ChatRoot`, the labelled region it and hand-laid-out chats are
 * built on (which also scopes the Esc-to-stop shortcut).
 */
import { useMemo, useState, type ComponentPropsWithoutRef, type ReactNode } from 'react';
import type { SessionTransport } from '../core/transport.js';
import { DurableSessionProvider, type DurableSessionProviderProps } from '../react/durable-session-provider.js';
import { ChatContext, createEditRelay } from './chat-context.js';
import { Composer } from './composer.js';
import { ConnectionBanner } from './connection-banner.js';
import { MessageList } from './message-list.js';
import { namedForwardRef } from './named-forward-ref.js';
import type { DataRenderers, ToolRenderers } from './parts-context.js';
import { PresenceBar } from './presence-bar.js';
import type { RenderContent } from './response-view.js';
import { SteerInput } from './steer-input.js';
import { StopButton } from './stop-button.js';

export interface ChatRootProps extends ComponentPropsWithoutRef<'section'> {
  /** Accessible name of the chat; give each chat on a page its own. Default "Chat". */
  label?: string;
}

/**
 * The chat's outer element: a labelled region marked `data-ds-chat`, which is also the scope of the
 * Esc-to-stop shortcut and of Up-to-edit (Up in an empty `Composer` edits your last message in the
 * `MessageList`). Use it to lay out the parts yourself under an outer `DurableSessionProvider`.
 */
export const ChatRoot = namedForwardRef<HTMLElement, ChatRootProps>('ChatRoot', function ChatRoot({ label = 'Chat', children, ...rest }, ref) {
  const [edits] = useState(createEditRelay);
  const context = useMemo(() => ({ label, edits }), [label, edits]);
  return (
    <ChatContext.Provider value={context}>
      <section ref={ref} aria-label={label} data-ds-chat="" {...rest}>
        {children}
      </section>
    </ChatContext.Provider>
  );
});

export interface DurableChatProps extends Omit<ChatRootProps, 'children'> {
  /**
   * The session to open. Give it with `transport` and the chat opens its own session; leave both out
   * to use the nearest `DurableSessionProvider`. Default: none (use the outer provider).
   */
  sessionId?: string;
  /** The connection, or a factory for it (see `DurableSessionProvider`). Default: none. */
  transport?: SessionTransport | (() => SessionTransport);
  /** This device's label in presence. Default: none. */
  device?: string;
  /** Your display name in presence. Default: none. */
  name?: string;
  /** Stable id of this tab. Default: a random id. */
  tabId?: string;
  /** Advanced controller options passed to the provider. Default: none. */
  sessionOptions?: DurableSessionProviderProps['options'];
  /** Renders each response's text, e.g. markdown to React elements. Keep it stable. Default: plain text. */
  renderContent?: RenderContent;
  /** Renderers for tool calls by tool name, e.g. `{ weather: (part) => <WeatherCard … /> }`. Keep it stable. Default: the built-in view. */
  toolRenderers?: ToolRenderers;
  /** Renderers for `data-<name>` parts by name. Keep it stable. Default: data parts are not shown. */
  dataRenderers?: DataRenderers;
  /** Whether the message box offers attaching files by URL. Default true. */
  allowAttachments?: boolean;
  /** Placeholder of the message box. Default "Ask anything…". */
  placeholder?: string;
  /** Whether to show the steer field. Default true. */
  showSteer?: boolean;
  /** Whether to show who is here. Default true. */
  showPresence?: boolean;
  /** Whether to show the connection banner. Default true. */
  showConnection?: boolean;
  /** Replaces the default layout with your own arrangement of the parts (compound use). */
  children?: ReactNode;
}

/**
 * The drop-in chat: presence, connection banner, thread (edit your messages, page between branches,
 * earlier messages loaded as you scroll up), message box with send and stop (Esc while focus is in
 * the chat; Up in the empty box edits your last message), and a steer field. Everything is keyboard
 * operable.
 *
 * @example
 * const transport = createAblyTransport({ options: { authUrl: '/token' } });
 * export const App = () => <DurableChat sessionId="support-42" transport={transport} />;
 *
 * @example
 * <DurableChat sessionId="s" transport={transport}>
 *   <MessageList />
 *   <Composer><StopButton /></Composer>
 * </DurableChat>
 */
export const DurableChat = namedForwardRef<HTMLElement, DurableChatProps>('DurableChat', function DurableChat(
  { sessionId, transport, device, name, tabId, sessionOptions, renderContent, toolRenderers, dataRenderers, allowAttachments, placeholder, showSteer = true, showPresence = true, showConnection = true, children, ...rest },
  ref,
) {
  const body = (
    <ChatRoot ref={ref} {...rest}>
      {children ?? (
        <>
          {(showPresence || showConnection) && (
            <div data-part="status">
              {showPresence && <PresenceBar />}
              {showConnection && <ConnectionBanner />}
            </div>
          )}
          <MessageList renderContent={renderContent} toolRenderers={toolRenderers} dataRenderers={dataRenderers} />
          <Composer placeholder={placeholder} allowAttachments={allowAttachments}>
            <StopButton />
          </Composer>
          {showSteer && <SteerInput />}
        </>
      )}
    </ChatRoot>
  );
  if (sessionId === undefined || transport === undefined) return body;
  return (
    <DurableSessionProvider sessionId={sessionId} transport={transport} device={device} name={name} tabId={tabId} options={sessionOptions}>
      {body}
    </DurableSessionProvider>
  );
});
