import { createContext, useContext } from 'react';

/** What a `ChatRoot` tells its parts: its accessible name, so their own names stay unique per chat. */
export const ChatContext = createContext<{ label: string } | null>(null);
ChatContext.displayName = 'DurableChatContext';

export function useChatLabel(): string | undefined {
  return useContext(ChatContext)?.label;
}
