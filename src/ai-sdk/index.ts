// durable-sessions/ai-sdk: the Vercel AI SDK's useChat over a durable session — a ChatTransport built
// on the core controller (no React here), and the conversions between the session's thread and UIMessages.
export { createDurableChatTransport, DurableChatTransport, type DurableChatTransportOptions, type FollowedChat } from './durable-chat-transport.js';
export { ResponseChunker, streamEnd, type StreamEnd } from './response-chunks.js';
export { responseToUIMessage, threadToUIMessages, toUIParts, userMessageToSend, userToUIMessage } from './ui-messages.js';
