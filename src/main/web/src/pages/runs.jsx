import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api } from '../api.js';
import { Card, Empty, ErrorNote, Field, Loading, Page, Pager, useApi, useChannels, useDebounced, useInterval, useSession, useSubmit, FormActions } from '../ui.jsx';
import { useProjectChannels } from '../live-lists.js';
import { RunTable } from './overview.jsx';

const LIMIT = 25;
const STATES = ['queued', 'starting', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out', 'interrupted'];
const QUEUES = ['agents-default', 'agents-long', 'rag-index', 'docs'];
const PROVIDERS = [
  { id: 'script', model: 'script', hint: 'A local script: say, tool, sleep, usage, fail (no network, no key).' },
  { id: 'openai', model: 'gpt-4.1-mini', hint: 'OpenAI Responses API; the key is the openai.api-key secret.' },
  { id: 'anthropic', model: 'claude-sonnet-4-5', hint: 'Anthropic Messages API; the key is the anthropic.api-key secret.' },
  { id: 'claude-code', model: 'claude-sonnet-4-5', hint: 'The claude CLI in the workspace.' },
];

export function Runs() {
  const session = useSession();
  const location = useLocation();
  const { state = '', queue = '', project = '', offset: offsetText = '0', new: starting } = location.query;
  const offset = Number(offsetText);
  const projects = useApi(session.can('projects:read') ? '/api/projects' : null, { limit: 200 });
  const runs = useApi('/api/runs', { state, queue, project, limit: LIMIT, offset });
  const reload = useDebounced(runs.reload, 300);
  useChannels(useProjectChannels(session), (item) => { if (item.event.startsWith('run.')) reload(); });
  useInterval(reload, session.can('console:subscribe') ? 0 : 5000);
  const names = Object.fromEntries(((projects.data && projects.data.items) || []).map((p) => [p.id, p.name]));
  const filter = (changes) => {
    const next = { state, queue, project, ...changes, offset: changes.offset ?? 0 };
    const search = new URLSearchParams(Object.entries(next).filter(([, v]) => v !== '' && v !== 0 && v !== '0'));
    location.route(`/runs${search.toString() ? `?${search}` : ''}`);
  };

  return (
    <Page title="Runs" subtitle="Every agent run, newest first; live."
      actions={session.can('runs:write') && !starting && <a class="button primary" href={`/runs?new=1${project ? `&project=${project}` : ''}`}>Start a run</a>}>
      {starting && session.can('runs:write') && (
        <StartRun projects={(projects.data && projects.data.items) || []} initialProject={project}
          onCancel={() => location.route('/runs')} />
      )}
      <Card>
        <form class="filters" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
          <Field label="State">
            {(props) => <select {...props} name="state" value={state} onChange={(e) => filter({ state: e.currentTarget.value })}>
              <option value="">Any</option>{STATES.map((s) => <option key={s} value={s}>{s.replace('_', ' ')}</option>)}</select>}
          </Field>
          <Field label="Queue">
            {(props) => <select {...props} name="queue" value={queue} onChange={(e) => filter({ queue: e.currentTarget.value })}>
              <option value="">Any</option>{QUEUES.map((q) => <option key={q} value={q}>{q}</option>)}</select>}
          </Field>
          {projects.data && (
            <Field label="Project">
              {(props) => <select {...props} name="project" value={project} onChange={(e) => filter({ project: e.currentTarget.value })}>
                <option value="">Any</option>{projects.data.items.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}</select>}
            </Field>
          )}
        </form>
        {runs.error && <ErrorNote error={runs.error} what="load the runs" onRetry={runs.reload} />}
        {!runs.data && !runs.error && <Loading />}
        {runs.data && runs.data.items.length === 0 && (
          <Empty title={state || queue || project ? 'No run matches these filters.' : 'No runs yet.'}>
            {state || queue || project ? <button type="button" class="secondary" onClick={() => location.route('/runs')}>Clear the filters</button>
              : session.can('runs:write') && <p>Start one with the button above.</p>}
          </Empty>
        )}
        {runs.data && runs.data.items.length > 0 && <RunTable runs={runs.data.items} projects={names} />}
        {runs.data && <Pager total={runs.data.total} limit={LIMIT} offset={offset} onChange={(next) => filter({ offset: next })} />}
      </Card>
    </Page>
  );
}

function StartRun({ projects, initialProject, onCancel }) {
  const location = useLocation();
  const ready = projects.filter((p) => p.workspace.status === 'ready');
  const [form, setForm] = useState({
    projectId: initialProject || '', queue: 'agents-default', provider: 'script', model: 'script', prompt: '',
    timeoutSeconds: '', maxTokens: '', maxCostUsd: '', onInterrupt: '',
  });
  const set = (name) => (event) => {
    const value = event.currentTarget.value;
    setForm((previous) => {
      const next = { ...previous, [name]: value };
      if (name === 'provider') next.model = (PROVIDERS.find((p) => p.id === value) || {}).model || '';
      return next;
    });
  };
  const { busy, error, fields, submit } = useSubmit(async () => {
    const number = (text) => (text === '' ? null : Number(text));
    const limits = { timeoutSeconds: number(form.timeoutSeconds), maxTokens: number(form.maxTokens), maxCostUsd: number(form.maxCostUsd) };
    const body = { projectId: form.projectId, queue: form.queue, provider: form.provider, model: form.model, prompt: form.prompt };
    if (Object.values(limits).some((v) => v !== null)) body.limits = Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== null));
    if (form.onInterrupt) body.onInterrupt = form.onInterrupt;
    const accepted = await api('/api/runs', { method: 'POST', body });
    location.route(`/runs/${accepted.id}`);
  });
  const provider = PROVIDERS.find((p) => p.id === form.provider);
  return (
    <Card title="Start a run">
      <form class="form-grid" onSubmit={submit} id="start-run" noValidate>
        <Field label="Project" error={fields.projectId}>
          {(props) => <select {...props} name="projectId" value={form.projectId} onChange={set('projectId')}>
            <option value="">Choose a project…</option>
            {ready.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>}
        </Field>
        <Field label="Queue" error={fields.queue}>
          {(props) => <select {...props} name="queue" value={form.queue} onChange={set('queue')}>
            {QUEUES.map((q) => <option key={q} value={q}>{q}</option>)}</select>}
        </Field>
        <Field label="Provider" error={fields.provider} hint={provider && provider.hint}>
          {(props) => <select {...props} name="provider" value={form.provider} onChange={set('provider')}>
            {PROVIDERS.map((p) => <option key={p.id} value={p.id}>{p.id}</option>)}</select>}
        </Field>
        <Field label="Model" error={fields.model}>
          {(props) => <input {...props} name="model" value={form.model} onInput={set('model')} maxLength={100} />}
        </Field>
        <Field label="Prompt" error={fields.prompt} wide>
          {(props) => <textarea {...props} name="prompt" rows={6} value={form.prompt} onInput={set('prompt')}
            placeholder={form.provider === 'script' ? 'say Hello\ntool list_directory {"path":""}' : 'What the agent should do'} />}
        </Field>
        <fieldset class="wide limits">
          <legend>Limits (empty: the queue's defaults)</legend>
          <Field label="Timeout (s)" error={fields['limits.timeoutSeconds'] || fields.timeoutSeconds}>
            {(props) => <input {...props} type="number" min="1" name="timeoutSeconds" value={form.timeoutSeconds} onInput={set('timeoutSeconds')} />}
          </Field>
          <Field label="Max tokens" error={fields['limits.maxTokens'] || fields.maxTokens}>
            {(props) => <input {...props} type="number" min="1" name="maxTokens" value={form.maxTokens} onInput={set('maxTokens')} />}
          </Field>
          <Field label="Max cost (USD)" error={fields['limits.maxCostUsd'] || fields.maxCostUsd}>
            {(props) => <input {...props} type="number" min="0" step="any" name="maxCostUsd" value={form.maxCostUsd} onInput={set('maxCostUsd')} />}
          </Field>
          <Field label="If the node restarts" error={fields.onInterrupt}>
            {(props) => <select {...props} name="onInterrupt" value={form.onInterrupt} onChange={set('onInterrupt')}>
              <option value="">The queue's policy</option><option value="requeue">Requeue</option><option value="fail">Fail</option></select>}
          </Field>
        </fieldset>
        {error && !Object.keys(fields).length && <ErrorNote error={error} what="start the run" />}
        {error && Object.keys(fields).length > 0 && <p class="field-error" role="alert">{error.message}</p>}
        <FormActions onCancel={onCancel} busy={busy} label="Start the run" busyLabel="Starting…" />
      </form>
    </Card>
  );
}
