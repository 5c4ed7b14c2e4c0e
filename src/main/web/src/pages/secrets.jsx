import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { Card, ConfirmButton, Empty, ErrorNote, Field, Loading, Notice, Page, Time, useApi, useInterval, useSession, DataTable, useSubmit, FormActions } from '../ui.jsx';

/**
 * Secrets by name: list (version, masked hint, fingerprint), set, rotate, erase. A value is write-only: it goes to
 * the server in the request that sets it and never comes back; the form forgets it as soon as it is sent.
 */
export function Secrets() {
  const session = useSession();
  const mayWrite = session.can('secrets:write');
  const secrets = useApi('/api/secrets');
  useInterval(secrets.reload, 15000);
  const [editing, setEditing] = useState(null);
  const [notice, setNotice] = useState(null);
  const erase = async (name) => {
    await api(`/api/secrets/${encodeURIComponent(name)}`, { method: 'DELETE' });
    setNotice({ text: `${name} erased: its old values can no longer be decrypted by anyone.` });
    secrets.reload();
  };
  const live = secrets.data ? secrets.data.filter((s) => !s.erasedAt) : [];
  return (
    <Page title="Secrets" subtitle="Provider keys and other credentials, encrypted on the server; values are never shown."
      actions={mayWrite && !editing && <button type="button" class="primary" onClick={() => setEditing({ name: '', rotate: false })}>Set a secret</button>}>
      {!mayWrite && <p class="note" id="read-only-note">Your session can see which secrets exist, not change them (that needs secrets:write).</p>}
      {mayWrite && editing && (
        <SetSecret initial={editing} onDone={(text) => { setEditing(null); if (text) setNotice({ text }); secrets.reload(); }} />
      )}
      <Notice notice={notice} />
      <Card>
        {secrets.error && <ErrorNote error={secrets.error} what="list the secrets" onRetry={secrets.reload} />}
        {!secrets.data && !secrets.error && <Loading />}
        {secrets.data && live.length === 0 && (
          <Empty title="No secrets yet.">{mayWrite ? <p>Set <code>openai.api-key</code> or <code>anthropic.api-key</code> to run those providers.</p> : null}</Empty>
        )}
        {live.length > 0 && (
          <DataTable id="secrets" columns={['Name', { label: 'Version', num: true }, 'Value', 'Fingerprint', 'Updated', mayWrite && 'Actions']}>
                {live.map((secret) => (
                  <tr key={secret.name} data-secret={secret.name}>
                    <th scope="row" class="mono">{secret.name}</th>
                    <td class="num">{secret.version}</td>
                    <td class="mono">{secret.hint || '••••'}</td>
                    <td class="mono small">{secret.fingerprint ? secret.fingerprint.substring(0, 12) : '—'}</td>
                    <td><Time iso={secret.updatedAt} relative /></td>
                    {mayWrite && (
                      <td class="actions">
                        <button type="button" class="secondary" onClick={() => setEditing({ name: secret.name, rotate: true })}>Rotate</button>
                        <ConfirmButton label="Erase" title={`Erase ${secret.name}?`} danger onConfirm={() => erase(secret.name)}>
                          <p>Its data key is destroyed: this value and every earlier one become undecryptable, for good.
                            Runs that need it fail until it is set again.</p>
                        </ConfirmButton>
                      </td>
                    )}
                  </tr>
                ))}
          </DataTable>
        )}
      </Card>
    </Page>
  );
}

function SetSecret({ initial, onDone }) {
  const [name, setName] = useState(initial.name);
  const [value, setValue] = useState('');
  const { busy, error, fields, submit } = useSubmit(async () => {
    // the form forgets the value as it sends it, whatever the answer
    const sent = value;
    setValue('');
    const saved = await api(`/api/secrets/${encodeURIComponent(name.trim())}`, { method: 'PUT', body: { value: sent } });
    onDone(`${saved.name} ${saved.version === 1 ? 'set' : `rotated to version ${saved.version}`}.`);
  });
  return (
    <Card title={initial.rotate ? `Rotate ${initial.name}` : 'Set a secret'}>
      <form class="form-grid" onSubmit={submit} id="set-secret" autoComplete="off">
        <Field label="Name" error={fields.name} hint="A letter, then letters, digits, _ . - (at most 100).">
          {(props) => <input {...props} name="name" class="mono" value={name} readOnly={initial.rotate}
            onInput={(e) => setName(e.currentTarget.value)} required maxLength={100} />}
        </Field>
        <Field label="Value" error={fields.value} hint="Sent once, stored encrypted, never shown again.">
          {(props) => <input {...props} name="value" type="password" autoComplete="new-password" spellcheck={false}
            value={value} onInput={(e) => setValue(e.currentTarget.value)} required />}
        </Field>
        {error && !Object.keys(fields).length && <ErrorNote error={error} what="save the secret" />}
        <FormActions onCancel={() => onDone(null)} busy={busy} label={initial.rotate ? 'Rotate' : 'Set'} busyLabel="Saving…" />
      </form>
    </Card>
  );
}
