// Every call goes to the gateway's public APIs with the signed-in key as a Bearer header.
import * as session from './session.js';

export class ApiError extends Error {
  constructor(status, body) {
    const error = body?.error ?? {};
    super(error.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = error.code;
    this.problems = error.problems ?? [];
  }
}

/** Called when the gateway no longer knows the key (401): the app signs out. */
let onUnauthorized = () => {};
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

async function call(method, path, { body, contentType, key } = {}) {
  const headers = { Authorization: `Bearer ${key ?? session.current()?.key ?? ''}` };
  if (body !== undefined) headers['Content-Type'] = contentType ?? 'application/json';
  const response = await fetch(path, {
    method, headers, cache: 'no-store', credentials: 'omit',
    body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
  });
  if (!response.ok) {
    const error = new ApiError(response.status, await response.json().catch(() => null));
    if (response.status === 401 && key === undefined) onUnauthorized(error);
    throw error;
  }
  return response;
}

export async function get(path, options) {
  return (await call('GET', path, options)).json();
}

/** GET that answers null for a 404, for endpoints a gateway may not have. */
export async function getOptional(path) {
  try {
    return await get(path);
  } catch (error) {
    if (error.status === 404) return null;
    throw error;
  }
}

export async function send(method, path, body, contentType) {
  return (await call(method, path, { body, contentType })).json();
}

/**
 * Saves what the API answers (its CSV, byte for byte) as a file: fetched with the Bearer
 * header, handed to the browser through a Blob link, named as the API's Content-Disposition says.
 */
export async function download(path, fallbackName) {
  const response = await call('GET', path);
  const blob = await response.blob();
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

/** Query strings from objects, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
