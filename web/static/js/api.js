/** api: requests to mapd's HTTP API, with the bearer token of this tab. */

export const TOKEN_KEY = 'mapd.token';

export function authHeaders(h = {}) {
  let tok = '';
  try { tok = sessionStorage.getItem(TOKEN_KEY) || ''; } catch { /* storage disabled */ }
  if (tok) h.Authorization = 'Bearer ' + tok;
  return h;
}

/** APIError carries the server's {"error","field"} body. */
export class APIError extends Error {
  constructor(status, body) {
    super((body && body.error) || 'HTTP ' + status);
    this.status = status;
    this.field = (body && body.field) || '';
  }
}

/**
 * api sends a request and resolves to {res, body} (body: the parsed JSON,
 * or null); it rejects with an APIError for a non-2xx answer. opts: json
 * (sent as JSON), body, headers, signal.
 */
export async function api(method, path, opts = {}) {
  const init = { method, headers: authHeaders(opts.headers || {}), signal: opts.signal };
  if (opts.json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.json);
  } else if (opts.body !== undefined) {
    init.body = opts.body;
  }
  const res = await fetch(path, init);
  if (res.status === 204) return { res, body: null };
  const ct = res.headers.get('Content-Type') || '';
  const body = ct.includes('json') ? await res.json().catch(() => null) : (await res.text(), null);
  if (!res.ok) throw new APIError(res.status, body);
  return { res, body };
}
