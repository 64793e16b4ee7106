/**
 * What a `ChatRoot` tells the parts inside it: its accessible name, so their own names stay unique
 * when a page shows several chats, and a relay from the message box to the thread for "edit my last
 * message" (Up in an empty box), since the two are siblings that share no state.
 */
import { createContext, useContext } from 'react';

/** Carries "edit my last message" from the message box to whichever thread shows it. */
export interface EditRelay {
  /** Asks the threads to open the editor of your last message; false when none could. */
  editLast(): boolean;
  /** Registers a thread's handler (true when it opened an editor); returns the unregister function. */
  listen(handler: () => boolean): () => void;
}

export function createEditRelay(): EditRelay {
  const handlers = new Set<() => boolean>();
  return {
    editLast: () => [...handlers].some((h) => h()),
    listen(handler) {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    },
  };
}

export const ChatContext = createContext<{ label: string; edits: EditRelay } | null>(null);
ChatContext.displayName = 'DurableChatContext';

/** The accessible name of the enclosing `ChatRoot`, if any. */
export function useChatLabel(): string | undefined {
  return useContext(ChatContext)?.label;
}

/** The edit relay of the enclosing `ChatRoot`; undefined outside one. */
export function useEditRelay(): EditRelay | undefined {
  return useContext(ChatContext)?.edits;
}
