/**
 * `FileAttachment`: a file by URL — an agent's file part or a user's attachment — shown inert: images
 * as `<img>` with alt text, anything else as a link, and unsafe URLs as plain text.
 */
import type { ComponentPropsWithoutRef } from 'react';
import type { Attachment } from '../core/parts.js';
import { namedForwardRef } from './named-forward-ref.js';
import { isWebUrl, NEW_TAB, safeUrl } from './safe-url.js';

export interface FileAttachmentProps extends Omit<ComponentPropsWithoutRef<'figure'>, 'children'> {
  /** The file: a `FilePart` or an `Attachment`. */
  file: Pick<Attachment, 'mediaType' | 'url' | 'name'>;
  /** Text for an image without a name. Default "Attached image". */
  imageAlt?: string;
}

/** The last path segment of a URL, as a readable file name. */
export function fileNameOf(url: string): string {
  if (url.startsWith('data:')) return 'file';
  const path = url.split(/[?#]/)[0];
  const last = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last) || url;
  } catch {
    return last || url;
  }
}

/**
 * Shows one file. Only http(s), data: and blob: URLs are used; an image is an `<img>` (where scripts
 * never run) and any other file a link that downloads rather than opens when it is not a web URL.
 * `data-kind` is `image` | `link` | `blocked`.
 *
 * @example
 * <FileAttachment file={{ mediaType: 'image/png', url: 'https://example.com/map.png', name: 'Map' }} />
 */
export const FileAttachment = namedForwardRef<HTMLElement, FileAttachmentProps>('FileAttachment', function FileAttachment({ file, imageAlt = 'Attached image', ...rest }, ref) {
  const url = safeUrl(file.url);
  const name = file.name ?? fileNameOf(file.url);
  const kind = !url ? 'blocked' : file.mediaType.startsWith('image/') ? 'image' : 'link';
  return (
    <figure ref={ref} data-ds-file-attachment="" data-kind={kind} data-media-type={file.mediaType} {...rest}>
      {kind === 'image' && <img data-part="image" src={url} alt={file.name ?? imageAlt} loading="lazy" referrerPolicy="no-referrer" />}
      {kind === 'link' && (
        <a data-part="link" href={url} {...(isWebUrl(url!) ? NEW_TAB : { download: name })}>
          {name}
        </a>
      )}
      {kind === 'blocked' && <span data-part="name">{name}</span>}
      {kind !== 'image' && <figcaption data-part="caption">{file.mediaType}</figcaption>}
    </figure>
  );
});
