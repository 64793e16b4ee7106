// Helpers for turns with parts: the agent's own record of each part, and the page's view of one
// response's text, tool call and approval prompt, found by their roles and labels.
import { expect, type Locator, type Page } from '@playwright/test';
import type { ReasoningPart, ResponsePart, SourcePart, ToolCallPart } from '../src/core/parts.js';
import { agentRecord, type AgentLogEntry } from './fixtures.js';

export type RichRecord = AgentLogEntry & { parts: ResponsePart[] };

/** The agent's record of a response, with every part it wrote. */
export async function richRecord(responseId: string): Promise<RichRecord> {
  return (await agentRecord(responseId)) as RichRecord;
}

export function toolOf(record: RichRecord): ToolCallPart {
  const part = record.parts.find((p): p is ToolCallPart => p.type === 'tool-call');
  if (!part) throw new Error(`no tool call in ${record.responseId}`);
  return part;
}

export const reasoningOf = (record: RichRecord): ReasoningPart | undefined => record.parts.find((p): p is ReasoningPart => p.type === 'reasoning');
export const sourcesOf = (record: RichRecord): SourcePart[] => record.parts.filter((p): p is SourcePart => p.type === 'source');

/** A response by its id, once the page shows it. */
export const responseById = (page: Page, id: string): Locator => page.locator(`[data-ds-streaming-message][data-response-id="${id}"]`);

/** The answer's text parts (not the tool's JSON or the reasoning around them). */
export const answerText = (response: Locator): Locator => response.locator(':scope > [data-part="content"] > [data-part="text"]');

export const toolCall = (scope: Page | Locator, name: string): Locator => scope.getByRole('group', { name: `Tool ${name}` });
export const toolState = (call: Locator): Locator => call.locator('[data-part="header"] [data-part="state"]');
export const approvalPrompt = (scope: Page | Locator, tool: string): Locator => scope.getByRole('group', { name: `Approval for ${tool}` });

/** The tool's input or output as the page shows a settled value: indented JSON. */
export const shown = (value: unknown): string => JSON.stringify(value, null, 2);

/** The id the demo app gives the user of a browser profile, as approvals name them. */
export async function userOf(page: Page): Promise<string> {
  const id = await page.evaluate(() => window.localStorage.getItem('durable-sessions-demo-user'));
  expect(id).toBeTruthy();
  return id!;
}
