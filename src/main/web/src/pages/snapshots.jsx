import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Card, ConfirmButton, Empty, ErrorNote, Field, Loading, Notice, StateBadge, Time, useApi, useInterval, useSession, DataTable } from '../ui.jsx';
import { formatBytes, shortId } from '../format.js';

/** Take, list, restore (after a confirmation; a busy workspace is said so), delete; the retention policy. */
export function Snapshots({ projectId, changed }) {
  const session = useSession();
  const mayWrite = session.can('snapshots:write');
  const snapshots = useApi(`/api/projects/${projectId}/snapshots`, { limit: 50 });
  const [label, setLabel] = useState('');
  const [notice, setNotice] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { if (changed) snapshots.reload(); }, [changed]);
  const [awaiting, setAwaiting] = useState(null);
  // the snapshot just asked for shows up once the read model has it: keep asking until it is written
  const pending = snapshots.data && (snapshots.data.items.some((s) => s.status === 'requested')
    || (awaiting && !snapshots.data.items.some((s) => s.id === awaiting)));
  useInterval(snapshots.reload, 1000, pending);

  const take = async (event) => {
    event.preventDefault();
    setError(null);
    try {
      const requested = await api(`/api/projects/${projectId}/snapshots`, { method: 'POST', body: label.trim() ? { label: label.trim() } : {} });
      setAwaiting(requested.id);
      setLabel('');
      setNotice({ text: 'Snapshot requested: it is being written.' });
      snapshots.reload();
    } catch (failure) {
      setError(failure);
    }
  };
  const restore = async (snapshot) => {
    const report = await api(`/api/projects/${projectId}/snapshots/${snapshot.id}/restore`, { method: 'POST' });
    setNotice({ text: `Restored ${snapshot.label || shortId(snapshot.id)}: ${report.added} added, ${report.modified} modified, ${report.removed} removed.` });
    snapshots.reload();
    setTimeout(snapshots.reload, 1500);
  };
  const remove = async (snapshot) => {
    await api(`/api/projects/${projectId}/snapshots/${snapshot.id}`, { method: 'DELETE' });
    setNotice({ text: 'Snapshot deleted.' });
    snapshots.reload();
  };

  return (
    <>
      <Card title="Snapshots">
        {mayWrite && (
          <form class="inline-form" onSubmit={take} id="take-snapshot">
            <Field label="Label (optional)" error={error && error.fields.label}>
              {(props) => <input {...props} name="label" maxLength={200} value={label} onInput={(e) => setLabel(e.currentTarget.value)} />}
            </Field>
            <button type="submit" class="primary">Take a snapshot</button>
          </form>
        )}
        {error && !error.fields.label && <ErrorNote error={error} what="take a snapshot" />}
        <Notice notice={notice} />
        {snapshots.error && <ErrorNote error={snapshots.error} what="list the snapshots" onRetry={snapshots.reload} />}
        {!snapshots.data && !snapshots.error && <Loading />}
        {snapshots.data && snapshots.data.items.length === 0 && (
          <Empty title="No snapshots of this workspace.">{mayWrite ? 'Take one before a risky run: restoring brings back the exact tree, .git included.' : null}</Empty>
        )}
        {snapshots.data && snapshots.data.items.length > 0 && (
          <DataTable id="snapshots" columns={['Snapshot', 'State', 'Commit', { label: 'Size', num: true }, { label: 'Files', num: true }, 'Taken', 'Restored', mayWrite && 'Actions']}>
                {snapshots.data.items.map((s) => (
                  <tr key={s.id} data-snapshot={s.id} data-status={s.status}>
                    <th scope="row">{s.label || <span class="mono">{shortId(s.id)}</span>}</th>
                    <td><StateBadge state={s.status} />{s.failureReason && <span class="bad-text small"> {s.failureReason}</span>}</td>
                    <td class="mono small">{s.commitId ? s.commitId.substring(0, 8) : '—'}</td>
                    <td class="num">{formatBytes(s.sizeBytes)}</td>
                    <td class="num">{s.fileCount ?? '—'}</td>
                    <td><Time iso={s.createdAt || s.requestedAt} relative /></td>
                    <td>{s.restoreCount ? <>{s.restoreCount}× · <Time iso={s.lastRestoredAt} relative /></> : '—'}
                      {s.lastRestoreFailure && <span class="bad-text small"> {s.lastRestoreFailure}</span>}</td>
                    {mayWrite && (
                      <td class="actions">
                        <ConfirmButton label="Restore" title="Restore this snapshot?" disabled={s.status !== 'created'}
                          onConfirm={() => restore(s)}>
                          <p>The workspace is replaced by the snapshot's tree, <code>.git</code> included. Changes made since it was
                            taken are lost unless you take a snapshot first. If a run holds the workspace, the restore waits briefly, then
                            fails saying the workspace is busy.</p>
                        </ConfirmButton>
                        <ConfirmButton label="Delete" title="Delete this snapshot?" danger onConfirm={() => remove(s)}>
                          <p>Its archive is removed; this cannot be undone.</p>
                        </ConfirmButton>
                      </td>
                    )}
                  </tr>
                ))}
          </DataTable>
        )}
      </Card>
      <Retention projectId={projectId} mayWrite={mayWrite} />
    </>
  );
}

function Retention({ projectId, mayWrite }) {
  const retention = useApi(`/api/projects/${projectId}/snapshot-retention`);
  const [keepLast, setKeepLast] = useState('');
  const [maxAgeDays, setMaxAgeDays] = useState('');
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  useEffect(() => {
    if (retention.data) {
      setKeepLast(retention.data.keepLast ?? '');
      setMaxAgeDays(retention.data.maxAgeSeconds ? String(retention.data.maxAgeSeconds / 86400) : '');
    }
  }, [retention.data]);
  const save = async (event) => {
    event.preventDefault();
    setError(null);
    try {
      await api(`/api/projects/${projectId}/snapshot-retention`, {
        method: 'PUT',
        body: { keepLast: keepLast === '' ? null : Number(keepLast), maxAgeSeconds: maxAgeDays === '' ? null : Math.round(Number(maxAgeDays) * 86400) },
      });
      setNotice({ text: 'Retention saved; snapshots beyond it are deleted now.' });
      retention.reload();
    } catch (failure) {
      setError(failure);
    }
  };
  const fields = (error && error.fields) || {};
  return (
    <Card title="Retention">
      {retention.error && <ErrorNote error={retention.error} what="read the retention policy" />}
      <form class="inline-form" onSubmit={save}>
        <Field label="Keep the newest" error={fields.keepLast} hint="snapshots; empty keeps all">
          {(props) => <input {...props} type="number" min="1" max="10000" name="keepLast" value={keepLast} disabled={!mayWrite}
            onInput={(e) => setKeepLast(e.currentTarget.value)} />}
        </Field>
        <Field label="Delete after" error={fields.maxAgeSeconds} hint="days; empty keeps them">
          {(props) => <input {...props} type="number" min="0.01" step="any" name="maxAgeDays" value={maxAgeDays} disabled={!mayWrite}
            onInput={(e) => setMaxAgeDays(e.currentTarget.value)} />}
        </Field>
        {mayWrite && <button type="submit" class="secondary">Save retention</button>}
      </form>
      {error && !Object.keys(fields).length && <ErrorNote error={error} what="save the retention" />}
      <Notice notice={notice} />
    </Card>
  );
}
