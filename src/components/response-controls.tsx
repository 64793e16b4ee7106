/**
 * `ResponseControls`: Retry or Regenerate under the newest version of an answer, and a "‹ 1 / 2 ›"
 * switcher when a turn has several; shared by `StreamingMessage` and `MessageList` rows.
 */
import { useState, type ReactNode } from 'react';
import { useSessionController } from '../react/session-context.js';
import type { UseResponseVersionsResponse } from '../react/use-response-versions.js';
import type { ResponseLabels } from './response-view.js';

export function ResponseControls({ v, labels: l }: { v: UseResponseVersionsResponse; labels: ResponseLabels }): ReactNode {
  const ctrl = useSessionController('StreamingMessage');
  const [busy, setBusy] = useState(false);
  const r = v.selected;
  // Asking again belongs to the newest version: an older one has already been asked again.
  const mode = !r || v.index < v.count - 1 || r.status === 'streaming' ? undefined : r.status === 'complete' ? 'regenerate' : 'retry';
  if (!mode && v.count < 2) return null;
  const again = () => {
    if (busy || !mode || !r) return;
    setBusy(true);
    void ctrl[mode](r.responseId).finally(() => setBusy(false));
  };
  // The ends are aria-disabled, not disabled, so they keep focus; a click there must select nothing.
  const step = (d: number) => () => {
    const to = v.index + d;
    if (to >= 0 && to < v.count) v.select(to);
  };
  return (
    <div data-part="controls">
      {v.count > 1 && (
        <span role="group" aria-label={l.versions} data-part="versions">
          <button type="button" aria-label={l.previous} aria-disabled={v.index === 0} onClick={step(-1)}>
            ‹
          </button>
          <span>
            {v.index + 1} / {v.count}
          </span>
          <button type="button" aria-label={l.next} aria-disabled={v.index === v.count - 1} onClick={step(1)}>
            ›
          </button>
        </span>
      )}
      {mode && (
        <button type="button" data-part={mode} aria-disabled={busy} onClick={again}>
          {l[mode]}
        </button>
      )}
    </div>
  );
}
