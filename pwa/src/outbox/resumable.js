// A photo's upload that survives a cut: the tus protocol (tus-js-client) against /uploads
// (backend/media/resumable.py), over the app's one transport (tokens, refresh, timeouts). The
// upload is named by the photo's SHA-256, so after a cut — even one that lost the answer — the
// phone asks the server how far it got (HEAD /uploads/<sha>) and sends only the rest. The normal
// case is one request (the bytes go with the creation). The library is loaded with the first upload.
import { exchange, parseError, ApiError } from '../transport.js';

/** tus-js-client's HTTP stack, on the app's transport. */
const transportStack = {
  getName: () => 'zct-transport',
  createRequest(method, url) {
    const headers = {};
    const abort = new AbortController();
    return {
      getMethod: () => method,
      getURL: () => url,
      setHeader: (name, value) => {
        headers[name] = value;
      },
      getHeader: (name) => headers[name],
      setProgressHandler: () => {},
      async send(body) {
        const res = await exchange(url, { method, headers, body: body ?? undefined, signal: abort.signal, timeoutMs: 90_000 });
        const text = method === 'HEAD' ? '' : await res.text();
        return {
          getStatus: () => res.status,
          getHeader: (name) => res.headers.get(name) ?? undefined,
          getBody: () => text,
          getUnderlyingObject: () => res,
        };
      },
      abort: async () => abort.abort(),
      getUnderlyingObject: () => null,
    };
  },
};

/** The photo as tus-js-client reads it: slices of the Blob, sent as they are. */
const blobReader = {
  openFile: async (blob) => ({
    size: blob.size,
    slice: async (start, end) => ({ value: blob.slice(start, end), done: end >= blob.size }),
    close: () => {},
  }),
};

/** Where tus-js-client would remember uploads to resume: nowhere, the name is the photo's hash. */
const noUrlStorage = {
  findAllUploads: async () => [],
  findUploadsByFingerprint: async () => [],
  removeUpload: async () => {},
  addUpload: async () => '',
};

/** tus-js-client's error → the app's ApiError (status and code of the answer, or NETWORK / TIMEOUT). */
function asApiError(err) {
  const res = err?.originalResponse;
  if (res) {
    let body = null;
    try {
      body = JSON.parse(res.getBody() || 'null');
    } catch {
      /* not JSON */
    }
    return parseError(res.getStatus(), body) || new ApiError('INTERNAL', err.message, { status: res.getStatus() });
  }
  if (err?.causingError instanceof ApiError) return err.causingError;
  return new ApiError('NETWORK', err?.message);
}

/**
 * Send `blob` (named by its SHA-256 `sha`) → resolves once the server holds the whole photo.
 * `resume`: an earlier try may have reached the server (all or part of it): ask first.
 * Rejects with an ApiError (its status when the server answered).
 */
export async function uploadResumable(blob, sha, { resume }) {
  const { Upload } = await import('tus-js-client');
  const endpoint = new URL('/uploads', location.origin).href;
  return new Promise((resolve, reject) => {
    const upload = new Upload(blob, {
      endpoint,
      uploadUrl: resume ? `${endpoint}/${sha}` : null,
      uploadDataDuringCreation: true,
      metadata: { sha256: sha, filetype: blob.type || 'image/jpeg' },
      httpStack: transportStack,
      fileReader: blobReader,
      urlStorage: noUrlStorage,
      fingerprint: async () => sha,
      retryDelays: null, // the outbox decides when to try again
      storeFingerprintForResuming: false, // the name is the hash: nothing to remember
      onSuccess: () => resolve(),
      onError: (err) => reject(asApiError(err)),
    });
    upload.start();
  });
}
