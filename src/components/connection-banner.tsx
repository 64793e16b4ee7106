/**
 * `ConnectionBanner`: what the connection is doing, and after a drop whether the session resumed
 * with nothing lost or caught up from history.
 */
import { useEffect, useState, type ComponentPropsWithoutRef, type ReactNode } from 'react';
import { useConnectionState } from '../react/use-connection-state.js';
import { namedForwardRef } from './named-forward-ref.js';
import { STATUS_REGION } from './status-region.js';

/** What the banner is saying; exposed as `data-state`. */
export type ConnectionBannerState = 'hidden' | 'connecting' | 'reconnecting' | 'catching-up' | 'resumed' | 'caught-up' | 'failed';

export interface ConnectionBannerLabels {
  connecting: ReactNode;
  reconnecting: ReactNode;
  catchingUp: ReactNode;
  resumed: ReactNode;
  caughtUp: ReactNode;
  failed: ReactNode;
}

const DEFAULT_LABELS: ConnectionBannerLabels = {
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  catchingUp: 'Catching up from history…',
  resumed: 'Resumed — nothing lost',
  caughtUp: 'Caught up from history',
  failed: 'Connection failed',
};

export interface ConnectionBannerProps extends Omit<ComponentPropsWithoutRef<'div'>, 'children'> {
  /** Override any of the texts. Default: English texts such as "Reconnecting…". */
  labels?: Partial<ConnectionBannerLabels>;
  /**
   * How long "Resumed — nothing lost" / "Caught up from history" stay, in ms. `Infinity` keeps them
   * until the connection changes again. Default 4000.
   */
  noticeMs?: number;
  /** Whether to say "Connecting…" while the session first opens. Default false. */
  showConnecting?: boolean;
}

/**
 * Tells the user what the connection is doing, and — after a drop — whether the session resumed with
 * nothing lost or had to catch up from history. A polite live region: it is always in the DOM (empty
 * when there is nothing to say) so each change is announced once.
 */
export const ConnectionBanner = namedForwardRef<HTMLDivElement, ConnectionBannerProps>('ConnectionBanner', function ConnectionBanner({ labels, noticeMs = 4000, showConnecting = false, ...rest }, ref) {
  const c = useConnectionState();
  const l = { ...DEFAULT_LABELS, ...labels };
  // A recovery is news only if it happened while this banner was mounted.
  const recoveryKey = `${c.lastResumedAt ?? ''}|${c.backfills}`;
  const [acknowledged, setAcknowledged] = useState(recoveryKey);
  const recovered = c.status === 'connected' && !c.backfilling && recoveryKey !== acknowledged;

  useEffect(() => {
    if (!recovered || !Number.isFinite(noticeMs)) return;
    const t = setTimeout(() => setAcknowledged(recoveryKey), noticeMs);
    return () => clearTimeout(t);
  }, [recovered, recoveryKey, noticeMs]);

  let state: ConnectionBannerState = 'hidden';
  if (c.status === 'disconnected' || c.status === 'resuming') state = 'reconnecting';
  else if (c.status === 'failed') state = 'failed';
  else if (c.status === 'connecting') state = showConnecting ? 'connecting' : 'hidden';
  else if (c.status === 'connected' && c.backfilling && c.hydrated) state = 'catching-up';
  else if (recovered) state = (c.lastBackfillAt ?? -1) >= (c.lastResumedAt ?? -1) ? 'caught-up' : 'resumed';

  // Each label is named after the state it says, in camelCase.
  const text = state === 'hidden' ? null : l[state === 'catching-up' ? 'catchingUp' : state === 'caught-up' ? 'caughtUp' : state];

  return (
    <div ref={ref} {...STATUS_REGION} data-ds-connection-banner="" data-state={state} data-connection={c.status} {...rest}>
      {text}
    </div>
  );
});
