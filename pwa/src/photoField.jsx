// One optional photo for a problem report (the secretary's, a member's, or one made without an
// account): taken or picked, compressed on the phone and kept in the outbox photo store by its
// SHA-256 (outbox/photos.js) until the report is sent. Labels come from the caller, so each screen
// words it for its readers. `photo`: { sha, blob } or null.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { addPhoto } from './outbox/photos.js';
import { dropPhotos } from './outbox/db.js';
import './photoField.css';

function Preview({ blob, alt }) {
  const url = useMemo(() => URL.createObjectURL(blob), [blob]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return <img class="pf-img" src={url} alt={alt} />;
}

export function PhotoField({ id, owner, photo, onChange, onBusy, labels }) {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  async function pick(e) {
    const file = e.currentTarget.files?.[0];
    e.currentTarget.value = '';
    if (!file) return;
    setBusy(true);
    onBusy?.(true);
    setFailed(false);
    try {
      const rec = await addPhoto(file, owner);
      if (photo && photo.sha !== rec.sha) dropPhotos([photo.sha]).catch(() => {});
      onChange({ sha: rec.sha, blob: rec.blob });
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
      onBusy?.(false);
    }
  }
  function remove() {
    if (photo) dropPhotos([photo.sha]).catch(() => {});
    onChange(null);
  }
  return (
    <fieldset class="input photo-field">
      <legend>{labels.legend}</legend>
      {photo && (
        <div class="pf-preview">
          <Preview blob={photo.blob} alt={labels.legend} />
          <button type="button" class="btn secondary pf-remove" onClick={remove} data-testid="photo-remove">
            {labels.remove}
          </button>
        </div>
      )}
      {busy && (
        <p class="muted small" role="status">
          {labels.compressing}
        </p>
      )}
      {failed && <p class="field-err">{labels.failed}</p>}
      {!photo && (
        <label class="btn secondary block pf-add" for={id}>
          {labels.add}
        </label>
      )}
      <input id={id} class="sr-only" type="file" accept="image/*" onChange={pick} data-testid="photo-input" />
    </fieldset>
  );
}
