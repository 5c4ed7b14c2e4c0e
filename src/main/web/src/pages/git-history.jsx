import { useEffect } from 'preact/hooks';
import { Card, Empty, ErrorNote, Loading, Time, useApi, useLazy } from '../ui.jsx';

const loadViewer = () => import('./code-view.jsx');

/** The workspace's git log and, for the commit chosen, what it changed (against its first parent). */
export function GitHistory({ projectId, commit, changed }) {
  const log = useApi(`/api/projects/${projectId}/workspace/git/log`, { limit: 100 });
  const status = useApi(`/api/projects/${projectId}/workspace/git/status`);
  useEffect(() => { if (changed) { log.reload(); status.reload(); } }, [changed]);
  const chosen = log.data && log.data.commits.find((c) => c.id === commit);
  return (
    <div class="history">
      <Card title="Commits">
        {status.data && (
          <p class="small">On <span class="mono">{status.data.branch || '(detached)'}</span>;
            {status.data.clean ? ' no local changes.' : ` local changes: ${[...status.data.modified, ...status.data.untracked, ...status.data.added, ...status.data.missing].length} path(s).`}</p>
        )}
        {log.error && <ErrorNote error={log.error} what="read the git log" onRetry={log.reload} />}
        {!log.data && !log.error && <Loading />}
        {log.data && log.data.commits.length === 0 && <Empty title="No commits yet." />}
        {log.data && log.data.commits.length > 0 && (
          <ol class="commits">
            {log.data.commits.map((c) => (
              <li key={c.id} class={c.id === commit ? 'selected' : ''}>
                <a href={`/projects/${projectId}?tab=history&commit=${c.id}`} aria-current={c.id === commit ? 'true' : undefined}>
                  <span class="mono">{c.shortId}</span> {c.message.split('\n')[0]}
                </a>
                <span class="muted small"> {c.author} · <Time iso={c.committedAt} relative /></span>
              </li>
            ))}
          </ol>
        )}
      </Card>
      {chosen ? <CommitDiff projectId={projectId} commit={chosen} /> : (
        <Card title="Changes"><Empty title="Choose a commit to see what it changed." /></Card>
      )}
    </div>
  );
}

function CommitDiff({ projectId, commit }) {
  const CodeView = useLazy(loadViewer);
  const parent = commit.parents[0];
  const diff = useApi(parent ? `/api/projects/${projectId}/workspace/git/diff` : null, { from: parent, to: commit.id });
  return (
    <Card title={`Commit ${commit.shortId}`}>
      <p class="commit-message">{commit.message}</p>
      <p class="muted small">{commit.author} &lt;{commit.authorEmail}&gt; · <Time iso={commit.authoredAt} /></p>
      {!parent && <Empty title="The first commit: there is no parent to compare with." />}
      {diff.error && <ErrorNote error={diff.error} what="compute the diff" onRetry={diff.reload} />}
      {parent && !diff.data && !diff.error && <Loading />}
      {diff.data && diff.data.files.map((file) => (
        <details key={`${file.oldPath}-${file.newPath}`} open class="diff-file">
          <summary><span class="badge info">{file.changeType.toLowerCase()}</span> <span class="mono">{file.newPath || file.oldPath}</span></summary>
          {file.binary ? <p class="muted">Binary file changed.</p>
            : CodeView ? <CodeView path="change.diff" text={file.patch || ''} language="diff" /> : <pre class="code">{file.patch}</pre>}
        </details>
      ))}
      {diff.data && diff.data.truncated && <p class="muted small">The diff is longer than shown.</p>}
    </Card>
  );
}
