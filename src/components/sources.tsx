/**
 * `Sources`: the citations of a response as a numbered list — links for web sources, titles for
 * documents — without opening a landmark per response.
 */
import { useId, type ComponentPropsWithoutRef, type ReactNode } from 'react';
import type { SourcePart } from '../core/parts.js';
import { namedForwardRef } from './named-forward-ref.js';
import { isWebUrl, NEW_TAB, safeUrl } from './safe-url.js';

export interface SourcesProps extends Omit<ComponentPropsWithoutRef<'div'>, 'children'> {
  /** The source parts, in the order the agent cited them. */
  sources: readonly Pick<SourcePart, 'id' | 'url' | 'documentId' | 'title'>[];
  /** The heading. Default "Sources". */
  label?: ReactNode;
}

/**
 * A numbered list of what the answer cites. Web links open in a new tab without an opener; a URL that
 * is not http(s), data: or blob: is shown as text, never linked.
 *
 * @example
 * <Sources sources={parts.filter((p): p is SourcePart => p.type === 'source')} />
 */
export const Sources = namedForwardRef<HTMLDivElement, SourcesProps>('Sources', function Sources({ sources, label = 'Sources', ...rest }, ref) {
  const id = useId();
  if (sources.length === 0) return null;
  return (
    <div ref={ref} data-ds-sources="" {...rest}>
      <p id={id} data-part="label">
        {label}
      </p>
      <ol aria-labelledby={id} data-part="items">
        {sources.map((s) => {
          const url = safeUrl(s.url);
          const name = s.title ?? s.url ?? s.documentId ?? s.id;
          return (
            <li key={s.id} data-part="source">
              {url ? (
                <a href={url} {...(isWebUrl(url) ? NEW_TAB : {})}>
                  {name}
                </a>
              ) : (
                <span>{name}</span>
              )}
            </li>
          );
        })}
      </ol>
    </div>
  );
});
