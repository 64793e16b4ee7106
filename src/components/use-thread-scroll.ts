/**
 * `useThreadScroll`: how `MessageList` scrolls — pinned to the newest text while the reader is at the
 * bottom, reading an older page when they near the top, and holding the reader's place while that
 * page lands above what they are looking at.
 */
import { useEffect, useLayoutEffect, useRef, type RefObject } from 'react';
import { useLatestRef } from '../react/use-latest-ref.js';

/** How close to the top (px) scrolling asks for the older page, so it is there before the reader is. */
const NEAR_TOP = 200;
/** How close to the bottom (px) still counts as reading the newest text. */
const NEAR_BOTTOM = 48;

// A layout effect on the server only warns (React 18); there is no layout to hold there anyway.
const useClientLayoutEffect = typeof window === 'undefined' ? useEffect : useLayoutEffect;

export interface ThreadScrollOptions {
  /** The scrolling element. */
  scroller: RefObject<HTMLElement | null>;
  /** The element whose size changes as rows are added or grow. */
  content: RefObject<HTMLElement | null>;
  /** The rendered row ids, oldest first. */
  ids: readonly string[];
  stickToBottom: boolean;
  /** Older history exists and is not loading now. */
  canLoadOlder: boolean;
  loadOlder: () => void;
}

export function useThreadScroll({ scroller, content, ids, stickToBottom, canLoadOlder, loadOlder }: ThreadScrollOptions): void {
  const pinned = useRef(true);
  const latest = useLatestRef({ canLoadOlder, loadOlder });

  useEffect(() => {
    const el = scroller.current;
    const inner = content.current;
    if (!el) return;
    const onScroll = () => {
      pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM;
      if (el.scrollTop < NEAR_TOP && latest.current.canLoadOlder) latest.current.loadOlder();
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    const observer =
      stickToBottom && inner && typeof ResizeObserver !== 'undefined'
        ? new ResizeObserver(() => {
            if (pinned.current) el.scrollTop = el.scrollHeight;
          })
        : undefined;
    if (observer && inner) observer.observe(inner);
    return () => {
      observer?.disconnect();
      el.removeEventListener('scroll', onScroll);
    };
  }, [stickToBottom, scroller, content, latest]);

  // Rows added above move everything below them down. The distance from the bottom is what stays the
  // same for the reader, so it is read from the DOM as it was before this render commits (the render
  // that first shows the older rows), and restored once they are laid out.
  const first = useRef<string | undefined>(undefined);
  const fromBottom = useRef<number | null>(null);
  const head = ids[0];
  if (head !== first.current) {
    const el = scroller.current;
    const before = first.current;
    if (el && before !== undefined && ids.indexOf(before) > 0) fromBottom.current = el.scrollHeight - el.scrollTop;
    first.current = head;
  }
  useClientLayoutEffect(() => {
    const el = scroller.current;
    const held = fromBottom.current;
    if (!el || held === null) return;
    fromBottom.current = null;
    el.scrollTop = el.scrollHeight - held;
  }, [ids, scroller]);
}
