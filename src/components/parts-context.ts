/**
 * How an app renders its own tools and data parts, set once on `DurableChat`, `MessageList` or
 * `StreamingMessage` and read by every `ToolCall` and data part below.
 */
import { createContext, createElement, useContext, useMemo, type ReactNode } from 'react';
import type { DataPart, ToolCallPart } from '../core/parts.js';

/** Renders a tool call by tool name; replaces the default body (the approval prompt stays). */
export type ToolRenderers = Record<string, (part: ToolCallPart) => ReactNode>;

/** Renders `data-<name>` parts by name. Data parts without a renderer are not shown. */
export type DataRenderers = Record<string, (part: DataPart) => ReactNode>;

export interface PartRenderers {
  toolRenderers?: ToolRenderers | undefined;
  dataRenderers?: DataRenderers | undefined;
}

export const PartRenderersContext = createContext<PartRenderers>({});
PartRenderersContext.displayName = 'DurablePartRenderersContext';

export function usePartRenderers(): PartRenderers {
  return useContext(PartRenderersContext);
}

/**
 * Provides renderers to the parts below when a component was given any, else leaves the enclosing
 * ones in place. Keep the records stable (module scope or `useMemo`): parts re-render when they change.
 */
export function PartRenderersProvider({ toolRenderers, dataRenderers, children }: PartRenderers & { children: ReactNode }): ReactNode {
  const outer = useContext(PartRenderersContext);
  const value = useMemo(
    () => (toolRenderers || dataRenderers ? { toolRenderers: toolRenderers ?? outer.toolRenderers, dataRenderers: dataRenderers ?? outer.dataRenderers } : outer),
    [toolRenderers, dataRenderers, outer],
  );
  return createElement(PartRenderersContext.Provider, { value }, children);
}
