// What a message weighs against the channel's byte limits: UTF-8 bytes of its name, data and
// headers, counted without encoding (no TextEncoder needed in any runtime).

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Bytes of a message's name, data (its bytes when binary, JSON when not a string) and header keys and values. */
export function messageSize(name: string, data: unknown, headers: Record<string, string> | undefined): number {
  let n = utf8Length(name);
  if (typeof data === 'string') n += utf8Length(data);
  else if (data instanceof Uint8Array) n += data.byteLength;
  else if (data !== undefined && data !== null) n += utf8Length(JSON.stringify(data) ?? '');
  if (headers) for (const k in headers) n += utf8Length(k) + utf8Length(String(headers[k]));
  return n;
}
