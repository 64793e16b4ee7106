/**
 * The composer's attachments: an "Attach" button revealing a URL field, and the files attached so far
 * as removable chips. Files go by URL; the kit stores no blobs.
 */
import { useId, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { Attachment } from '../core/parts.js';
import { Button } from './button.js';
import { dataFlag } from './data-flag.js';
import { fileNameOf } from './file-attachment.js';
import { safeUrl } from './safe-url.js';

const IMAGE = /\.(png|jpe?g|gif|webp|avif|svg)$/i;

/** An attachment for a URL, its media type guessed from the extension (or a data: URL's header). */
export function attachmentFromUrl(url: string): Attachment {
  const data = /^data:([^;,]+)/.exec(url);
  const path = url.split(/[?#]/)[0];
  const ext = IMAGE.exec(path)?.[1]?.toLowerCase();
  const mediaType = data ? data[1] : ext ? `image/${ext === 'jpg' ? 'jpeg' : ext === 'svg' ? 'svg+xml' : ext}` : path.endsWith('.pdf') ? 'application/pdf' : 'application/octet-stream';
  return { type: 'file', mediaType, url, name: fileNameOf(url) };
}

export interface AttachmentLabels {
  attach: ReactNode;
  url: ReactNode;
  add: ReactNode;
  invalid: ReactNode;
  remove: (name: string) => string;
  list: string;
}

export const DEFAULT_ATTACHMENT_LABELS: AttachmentLabels = {
  attach: 'Attach',
  url: 'File URL',
  add: 'Add',
  invalid: 'Use an http(s), data: or blob: URL.',
  remove: (name) => `Remove ${name}`,
  list: 'Attachments',
};

export function AttachmentPicker({ attachments, onChange, labels }: { attachments: Attachment[]; onChange: (next: Attachment[]) => void; labels?: Partial<AttachmentLabels> | undefined }): ReactNode {
  const l = { ...DEFAULT_ATTACHMENT_LABELS, ...labels };
  const [open, setOpen] = useState(false);
  const [url, setUrl] = useState('');
  const [invalid, setInvalid] = useState(false);
  const fieldId = useId();

  const add = () => {
    const u = url.trim();
    if (!u) return;
    if (!safeUrl(u)) return setInvalid(true);
    onChange([...attachments, attachmentFromUrl(u)]);
    setUrl('');
    setInvalid(false);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    // Enter here adds the file; it must not send the message around it.
    if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
      e.preventDefault();
      add();
    }
  };

  return (
    <div data-part="attachments" data-open={dataFlag(open)}>
      {attachments.length > 0 && (
        <ul data-part="chips" aria-label={l.list}>
          {attachments.map((a, i) => (
            <li key={`${i}-${a.url}`} data-part="chip" data-media-type={a.mediaType}>
              <span>{a.name ?? fileNameOf(a.url)}</span>
              <Button data-part="remove" aria-label={l.remove(a.name ?? fileNameOf(a.url))} onClick={() => onChange(attachments.filter((_, j) => j !== i))}>
                ×
              </Button>
            </li>
          ))}
        </ul>
      )}
      <Button
        data-part="attach"
        aria-expanded={open}
        aria-controls={open ? fieldId : undefined}
        onClick={() => setOpen((o) => !o)}
      >
        {l.attach}
      </Button>
      {open && (
        <div id={fieldId} data-part="attach-field">
          <label htmlFor={`${fieldId}-url`}>{l.url}</label>
          {/* Opening the field is asking to type a URL, so focus goes there. */}
          <input
            autoFocus
            id={`${fieldId}-url`}
            type="text"
            inputMode="url"
            autoComplete="off"
            placeholder="https://…"
            value={url}
            aria-invalid={invalid || undefined}
            aria-describedby={invalid ? `${fieldId}-error` : undefined}
            onChange={(e) => {
              setUrl(e.target.value);
              setInvalid(false);
            }}
            onKeyDown={onKeyDown}
          />
          <Button data-part="add" onClick={add}>
            {l.add}
          </Button>
          {invalid && (
            <p id={`${fieldId}-error`} data-part="error" role="alert">
              {l.invalid}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
