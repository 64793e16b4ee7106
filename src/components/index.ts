/**
 * `durable-sessions/components`: the prebuilt, accessible parts of a durable chat. Each forwards its
 * ref to its outer element; style them with `durable-sessions/styles.css` or your own CSS.
 */
export { DurableChat, ChatRoot, type DurableChatProps, type ChatRootProps } from './durable-chat.js';
export { MessageList, type MessageListProps } from './message-list.js';
export { DEFAULT_THREAD_LABELS, type ThreadLabels } from './thread-labels.js';
export { BranchPicker, DEFAULT_BRANCH_PICKER_LABELS, type BranchPickerProps, type BranchPickerLabels } from './branch-picker.js';
export { StreamingMessage, type StreamingMessageProps } from './streaming-message.js';
export { DEFAULT_RESPONSE_LABELS, type ContentInfo, type RenderContent, type ResponseLabels } from './response-view.js';
export { StopButton, type StopButtonProps } from './stop-button.js';
export { SteerInput, type SteerInputProps, type SteerAckView } from './steer-input.js';
export { PresenceBar, type PresenceBarProps } from './presence-bar.js';
export { ConnectionBanner, type ConnectionBannerProps, type ConnectionBannerLabels, type ConnectionBannerState } from './connection-banner.js';
export { AgentBadge, type AgentBadgeProps } from './agent-badge.js';
export { Composer, type ComposerProps } from './composer.js';
export { composeEventHandlers } from './compose-event-handlers.js';
export { ToolCall, DEFAULT_TOOL_STATE_LABELS, type ToolCallProps } from './tool-call.js';
export { ApprovalPrompt, DEFAULT_APPROVAL_LABELS, type ApprovalPromptProps, type ApprovalPromptLabels, type ApprovalPromptState } from './approval-prompt.js';
export { Reasoning, type ReasoningProps } from './reasoning.js';
export { Sources, type SourcesProps } from './sources.js';
export { FileAttachment, type FileAttachmentProps } from './file-attachment.js';
export { DEFAULT_ATTACHMENT_LABELS, type AttachmentLabels } from './attachment-picker.js';
export type { DataRenderers, ToolRenderers } from './parts-context.js';
