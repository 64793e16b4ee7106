/**
 * `ResponseControls`: Retry or Regenerate under the newest version of an answer, and a "‹ 1 / 2 ›"
 * switcher when a turn has several; shared by `StreamingMessage` and `MessageList` rows.
 */
import { useState, type ReactNode } from 'react';
import { useSessionController } from '../react/session-context.js';
import type { UseResponseVersionsResponse } from '../react/use-response-versions.js';
import { Button } from './button.js';
import type { ResponseLabels } from './response-view.js';

export function ResponseControls({ v, labels: l }: { v: UseResponseVersionsResponse; labels: ResponseLabels }): ReactNode {
  const ctrl = useSessionController('StreamingMessage');
  const [busy, setBusy] = useState(false);
  const r = v.selected;
  // Asking again belongs to the newest version: an older one has already been asked again.
  const mode = !r || v.index < v.count - 1 || r.status === 'streaming' ? undefined : r.status === 'complete' ? 'regenerate' : 'retry';
  if (!mode && v.count < 2) return null;
  const again = () => {
    if (!mode || !r) return;
    setBusy(true);
    void ctrl[mode](r.responseId).finally(() => setBusy(false));
  };
  // The ends stay focusable but take no clicks: a click there must select nothing.
  const step = (d: number) => () => v.select(v.index + d);
  return (
    <div data-part="controls">
      {v.count > 1 && (
        <span role="group" aria-label={l.versions} data-part="versions">
          <Button aria-label={l.previous} unavailable={v.index === 0} onClick={step(-1)}>
            ‹
          </Button>
          <span>
            {v.index + 1} / {v.count}
          </span>
          <Button aria-label={l.next} unavailable={v.index === v.count - 1} onClick={step(1)}>
            ›
          </Button>
        </span>
      )}
      {mode && (
        <Button data-part={mode} unavailable={busy} onClick={again}>
          {l[mode]}
        </Button>
      )}
    </div>
  );
}
