/**
 * Agents for part stories: each drives a real turn to one state of a part — a tool call mid-input,
 * running, failed, waiting for approval — and holds it there, so the story shows that state live.
 */
import type { Turn, TurnHandler } from '../../src/agent/create-agent.js';
import type { ToolCallState } from '../../src/core/parts.js';

/** Resolves when the turn is cancelled or the agent stops, keeping the response streaming until then. */
const hold = (turn: Turn) => new Promise<void>((resolve) => (turn.signal.aborted ? resolve() : turn.signal.addEventListener('abort', () => resolve())));

export const WEATHER_CALL = 'call-weather';
export const EMAIL_CALL = 'call-email';

/** A `weather` call for Paris, left in `state` (`awaiting-approval` and `denied` use `send_email`). */
export function toolHandler(state: ToolCallState): TurnHandler {
  return async (turn) => {
    if (state === 'awaiting-approval' || state === 'denied') {
      const call = turn.toolCall({ toolName: 'send_email', toolCallId: EMAIL_CALL, needsApproval: true, input: { to: 'team@example.com', subject: 'Launch' } });
      const d = await call.approval().catch(() => undefined);
      if (!d) return;
      if (d.approved) call.output({ sent: true });
      turn.write(d.approved ? 'Sent.' : `Not sent: ${d.reason ?? 'denied'}.`);
      return;
    }
    const call = turn.toolCall({ toolName: 'weather', toolCallId: WEATHER_CALL });
    call.inputDelta('{"city":"Par');
    if (state === 'input-streaming') return hold(turn);
    call.inputDelta('is"}');
    call.input();
    if (state === 'input-available') return hold(turn);
    call.running();
    if (state === 'running') return hold(turn);
    if (state === 'output-error') call.error('The weather service timed out');
    else call.output({ city: 'Paris', tempC: 18, conditions: 'partly cloudy' });
    turn.write(state === 'output-error' ? 'I could not get the weather.' : 'It is 18 °C in Paris.');
  };
}

/** One of every part, in order: reasoning, text, a tool call, app data updated in place, a file, sources. */
export function everyPartHandler(): TurnHandler {
  return async (turn) => {
    turn.reasoning('Checking what was asked, then which tool answers it.');
    turn.write('Here is what I found. ');
    const call = turn.toolCall({ toolName: 'weather', toolCallId: WEATHER_CALL, input: { city: 'Paris' } });
    const progress = turn.data('progress', { pct: 40 });
    call.output({ city: 'Paris', tempC: 18 });
    turn.data('progress', { pct: 100 }, progress);
    turn.write('It is 18 °C. A map: ');
    turn.file({ mediaType: 'image/svg+xml', url: MAP_SVG, name: 'Map of Paris' });
    turn.file({ mediaType: 'application/pdf', url: 'https://example.com/forecast.pdf', name: 'forecast.pdf' });
    turn.source({ url: 'https://weather.example/paris', title: 'Weather in Paris' });
    turn.source({ documentId: 'doc-42', title: 'Internal climate notes' });
    turn.write('<b>Markup stays text.</b>');
  };
}

/** A tiny inline image, so stories need no network. */
export const MAP_SVG = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="80" height="40"><rect width="80" height="40" fill="#8fb0ff"/><circle cx="40" cy="20" r="8" fill="#b3261e"/></svg>')}`;
