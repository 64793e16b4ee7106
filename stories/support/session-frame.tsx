import type { ReactNode } from 'react';
import { ChatRoot } from '../../src/components/durable-chat.js';
import { DurableSessionProvider } from '../../src/react/durable-session-provider.js';
import type { DemoWorld } from './demo-world.js';

/**
 * Opens the world's session as tab `tab` and renders `children` inside a chat root, so a part story
 * gets its provider and the Esc scope a `DurableChat` would give it.
 */
export function SessionFrame({ world, tab = 1, label = 'Chat', children }: { world: DemoWorld; tab?: number; label?: string; children: ReactNode }): ReactNode {
  return (
    <DurableSessionProvider sessionId={world.sessionId} transport={world.tab(tab)} device="This laptop" tabId={`tab-${tab}`}>
      <ChatRoot label={label} data-ds-frame="">
        {children}
      </ChatRoot>
    </DurableSessionProvider>
  );
}
