/**
 * The parts a body holds, read with the same parser and rules as every client, so an agent's own
 * record of a turn can be compared with what the tabs show, part by part.
 */
import { applySegments } from '../core/apply-parts.js';
import type { ResponsePart } from '../core/parts.js';
import { parseBody } from '../core/response-body.js';

export function partsOf(body: string): ResponsePart[] {
  return applySegments([], '', parseBody(body))?.parts ?? [];
}
