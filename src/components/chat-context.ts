/**
 * What a `ChatRoot` tells the parts inside it — its accessible name — so their own names stay
 * unique when a page shows several chats.
 */
import { createContext, useContext } from 'react';

export const ChatContext = createContext<{ label: string } | null>(null);
ChatContext.displayName = 'DurableChatContext';

/** The accessible name of the enclosing `ChatRoot`, if any. */
export function useChatLabel(): string | undefined {
  return useContext(ChatContext)?.label;
}
