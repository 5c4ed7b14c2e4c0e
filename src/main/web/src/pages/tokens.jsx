import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Card, ConfirmButton, CopyButton, Empty, ErrorNote, Field, Loading, Notice, Page, StateBadge, Time, useApi, useInterval, useLazy, useSession, DataTable, useSubmit, FormActions } from '../ui.jsx';

const loadQr = () => import('./qr-code.jsx');
const PRESETS = ['admin', 'operator', 'auditor', 'mobile'];
const ABILITIES = ['projects:read', 'projects:write', 'runs:read', 'runs:write', 'console:subscribe', 'console:publish',
  'snapshots:read', 'snapshots:write', 'secrets:read', 'secrets:write', 'tokens:manage', 'devices:pair', 'events:read',
  'projections:read', 'projections:rebuild'];

export function Tokens() {
  const session = useSession();
  return (
    <Page title="Tokens & devices" subtitle="API tokens for scripts, browser sessions, and paired iPhones.">
      {session.can('devices:pair') && <Devices />}
      {session.can('tokens:manage') && <ApiTokens />}
      {!session.can('tokens:manage') && <p class="note">Listing and issuing tokens needs tokens:manage.</p>}
    </Page>
  );
}

function tokenState(token) {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && new Date(token.expiresAt) < new Date()) return 'expired';
  return 'active';
}

const isSession = (token) => token.issuedBy.startsWith('session:') || token.issuedBy.startsWith('sign-in-link:');

function ApiTokens() {
  const session = useSession();
  const tokens = useApi('/api/tokens');
  const [issuing, setIssuing] = useState(false);
  const [issued, setIssued] = useState(null);
  const [showEnded, setShowEnded] = useState(false);
  const revoke = async (token) => {
    await api(`/api/tokens/${token.id}`, { method: 'DELETE' });
    tokens.reload();
  };
  const all = tokens.data || [];
  const shown = all.filter((t) => showEnded || tokenState(t) === 'active');
  const table = (rows, kind) => (
    <DataTable id={kind} columns={['Name', 'State', 'Abilities', 'Issued', 'Last used', 'Expires', 'Actions']}>
          {rows.map((token) => (
            <tr key={token.id} data-token={token.id}>
              <th scope="row">{token.name}{token.id === session.me.tokenId && <span class="badge info">this session</span>}</th>
              <td><StateBadge state={tokenState(token)} /></td>
              <td class="small">{token.preset ? <strong>{token.preset}</strong> : token.abilities.join(', ')}</td>
              <td><Time iso={token.issuedAt} relative /></td>
              <td><Time iso={token.lastUsedAt} relative /></td>
              <td>{token.expiresAt ? <Time iso={token.expiresAt} /> : 'never'}</td>
              <td class="actions">{tokenState(token) === 'active' && (
                <ConfirmButton label="Revoke" title={`Revoke ${token.name}?`} danger onConfirm={() => revoke(token)}>
                  <p>It stops working at once, everywhere (open streams end within a second).
                    {isSession(token) ? '' : ' Browser sessions signed in with it end too.'}</p>
                </ConfirmButton>
              )}</td>
            </tr>
          ))}
    </DataTable>
  );
  return (
    <>
      <Card title="API tokens" actions={!issuing && <button type="button" class="primary" onClick={() => { setIssuing(true); setIssued(null); }}>Issue a token</button>}>
        {issuing && <IssueToken onDone={(token) => { setIssuing(false); if (token) { setIssued(token); tokens.reload(); } }} />}
        {issued && (
          <div class="issued" role="alert" id="issued-token">
            <p><strong>{issued.name}</strong> was issued. Copy the token now: it is shown this once and cannot be recovered.</p>
            <p class="token-text"><code>{issued.token}</code> <CopyButton text={issued.token} /></p>
            <button type="button" class="secondary" onClick={() => setIssued(null)}>I have copied it</button>
          </div>
        )}
        <label class="inline"><input type="checkbox" checked={showEnded} onChange={(e) => setShowEnded(e.currentTarget.checked)} /> Show revoked and expired</label>
        {tokens.error && <ErrorNote error={tokens.error} what="list the tokens" onRetry={tokens.reload} />}
        {!tokens.data && !tokens.error && <Loading />}
        {tokens.data && shown.filter((t) => !isSession(t)).length === 0 && <Empty title="No tokens to show." />}
        {shown.filter((t) => !isSession(t)).length > 0 && table(shown.filter((t) => !isSession(t)), 'tokens')}
      </Card>
      <Card title="Browser sessions">
        {shown.filter(isSession).length === 0 ? <Empty title="No browser sessions." />
          : table(shown.filter(isSession), 'sessions')}
      </Card>
    </>
  );
}

function IssueToken({ onDone }) {
  const session = useSession();
  const [name, setName] = useState('');
  const [mode, setMode] = useState('preset');
  const [preset, setPreset] = useState('operator');
  const [abilities, setAbilities] = useState([]);
  const [expires, setExpires] = useState('');
  const grantable = ABILITIES.filter((ability) => session.can(ability));
  const { busy, error, fields, submit } = useSubmit(async () => {
    const body = { name };
    if (mode === 'preset') body.preset = preset; else body.abilities = abilities;
    if (expires) body.expiresAt = new Date(expires).toISOString();
    onDone(await api('/api/tokens', { method: 'POST', body }));
  });
  return (
    <form class="form-grid" onSubmit={submit} id="issue-token">
      <Field label="Name" error={fields.name} hint="What or who it is for.">
        {(props) => <input {...props} name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={100} />}
      </Field>
      <fieldset class="field">
        <legend>Abilities</legend>
        <label class="inline"><input type="radio" name="mode" checked={mode === 'preset'} onChange={() => setMode('preset')} /> A preset</label>
        <label class="inline"><input type="radio" name="mode" checked={mode === 'custom'} onChange={() => setMode('custom')} /> Chosen abilities</label>
      </fieldset>
      {mode === 'preset' ? (
        <Field label="Preset" error={fields.preset}>
          {(props) => <select {...props} name="preset" value={preset} onChange={(e) => setPreset(e.currentTarget.value)}>
            {PRESETS.map((p) => <option key={p} value={p}>{p}</option>)}</select>}
        </Field>
      ) : (
        <fieldset class="field wide abilities">
          <legend>Abilities (only those your session has)</legend>
          {grantable.map((ability) => (
            <label key={ability} class="inline"><input type="checkbox" value={ability} checked={abilities.includes(ability)}
              onChange={(e) => setAbilities(e.currentTarget.checked ? [...abilities, ability] : abilities.filter((a) => a !== ability))} /> {ability}</label>
          ))}
          {fields.abilities && <p class="field-error">{fields.abilities}</p>}
        </fieldset>
      )}
      <Field label="Expires (optional)" error={fields.expiresAt} hint="Your local time; empty: never.">
        {(props) => <input {...props} type="datetime-local" name="expiresAt" value={expires} onInput={(e) => setExpires(e.currentTarget.value)} />}
      </Field>
      {error && !Object.keys(fields).length && <ErrorNote error={error} what="issue the token" />}
      <FormActions onCancel={() => onDone(null)} busy={busy} label="Issue" busyLabel="Issuing…" />
    </form>
  );
}

/** Pair an iPhone: a one-time code as a QR image, its countdown, and the paired devices (with revoke). */
function Devices() {
  const pairings = useApi('/api/pairings');
  const [label, setLabel] = useState('');
  const [pairing, setPairing] = useState(null);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const QrCode = useLazy(loadQr);
  const waiting = pairing && pairings.data && !pairings.data.some((p) => p.pairingId === pairing.pairingId && p.status !== 'pending')
    && new Date(pairing.expiresAt) > new Date();
  useInterval(pairings.reload, 1000, !!waiting);
  useInterval(pairings.reload, 15000, !waiting);
  useEffect(() => {
    if (!pairing || !pairings.data) return;
    const current = pairings.data.find((p) => p.pairingId === pairing.pairingId);
    if (current && current.status === 'paired') {
      setNotice({ text: `Paired with ${current.deviceName}.` });
      setPairing(null);
    }
  }, [pairings.data]);
  const start = async (event) => {
    event.preventDefault();
    setError(null);
    try {
      const issued = await api('/api/pairings', { method: 'POST', body: label.trim() ? { label: label.trim() } : {} });
      setPairing(issued);
      setNotice(null);
      pairings.reload();
    } catch (failure) {
      setError(failure);
    }
  };
  const revoke = async (p) => {
    await api(`/api/pairings/${p.pairingId}`, { method: 'DELETE' });
    pairings.reload();
  };
  const devices = (pairings.data || []).filter((p) => p.status !== 'pending' || (pairing && p.pairingId === pairing.pairingId));
  return (
    <Card title="iPhones">
      {!pairing && (
        <form class="inline-form" onSubmit={start} id="pair-device">
          <Field label="Label (optional)" error={error && error.fields.label} hint="For example whose phone it will be.">
            {(props) => <input {...props} name="label" maxLength={100} value={label} onInput={(e) => setLabel(e.currentTarget.value)} />}
          </Field>
          <button type="submit" class="primary">Pair an iPhone</button>
        </form>
      )}
      {error && !error.fields.label && <ErrorNote error={error} what="start pairing" />}
      {pairing && (
        <div class="pairing" id="pairing">
          <div class="qr">{QrCode ? <QrCode payload={pairing.qrPayload} /> : <Loading label="Drawing the code…" />}</div>
          <div>
            <p>Scan this with the Agent Workspace app, or type the code:</p>
            <p class="pairing-code mono" id="pairing-code">{pairing.code}</p>
            <Countdown until={pairing.expiresAt} onExpired={() => { setPairing(null); setNotice({ kind: 'warn', text: 'The code expired unused; start again.' }); }} />
            <button type="button" class="secondary" onClick={() => setPairing(null)}>Stop</button>
          </div>
        </div>
      )}
      <Notice notice={notice} />
      {pairings.error && <ErrorNote error={pairings.error} what="list the devices" onRetry={pairings.reload} />}
      {pairings.data && devices.length === 0 && <Empty title="No paired iPhones." />}
      {devices.length > 0 && (
        <DataTable id="devices" columns={['Device', 'State', 'Label', 'Paired', 'Actions']}>
              {devices.map((p) => (
                <tr key={p.pairingId} data-pairing={p.pairingId} data-status={p.status}>
                  <th scope="row">{p.deviceName || '—'}</th>
                  <td><StateBadge state={p.status} /></td>
                  <td>{p.label || '—'}</td>
                  <td><Time iso={p.pairedAt} relative /></td>
                  <td class="actions">{(p.status === 'paired' || p.status === 'pending') && (
                    <ConfirmButton label="Revoke" title="Revoke this device?" danger onConfirm={() => revoke(p)}>
                      <p>The phone's token stops working at once.</p>
                    </ConfirmButton>
                  )}</td>
                </tr>
              ))}
        </DataTable>
      )}
    </Card>
  );
}

function Countdown({ until, onExpired }) {
  const [now, setNow] = useState(Date.now());
  useInterval(() => setNow(Date.now()), 1000);
  const left = Math.max(0, Math.round((new Date(until).getTime() - now) / 1000));
  useEffect(() => { if (left === 0) onExpired(); }, [left === 0]);
  return <p class="countdown" role="timer" aria-live="off">Expires in {Math.floor(left / 60)}:{String(left % 60).padStart(2, '0')}</p>;
}
