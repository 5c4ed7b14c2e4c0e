import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api } from '../api.js';
import { Card, Empty, ErrorNote, Loading, useApi, useLazy } from '../ui.jsx';
import { formatBytes } from '../format.js';

const loadViewer = () => import('./code-view.jsx');

/** The workspace, read-only: a tree that opens directories on demand, and a viewer for the file chosen. */
export function Files({ projectId, path, changed }) {
  const location = useLocation();
  const open = (file) => location.route(`/projects/${projectId}?tab=files&path=${encodeURIComponent(file)}`);
  return (
    <div class="files">
      <Card title="Workspace">
        <nav aria-label="Workspace files" class="tree">
          <Directory projectId={projectId} path="" selected={path} onOpen={open} changed={changed} expanded />
        </nav>
      </Card>
      <FileViewer projectId={projectId} path={path} changed={changed} />
    </div>
  );
}

function Directory({ projectId, path, selected, onOpen, changed, expanded: initially }) {
  const [expanded, setExpanded] = useState(initially || (selected && selected.startsWith(`${path}/`)));
  const listing = useApi(expanded ? `/api/projects/${projectId}/workspace/tree` : null, path ? { path } : {});
  useEffect(() => { if (changed && expanded) listing.reload(); }, [changed]);
  const children = expanded && listing.data && (
    <ul role="group">
      {listing.data.entries.map((entry) => (
        <li key={entry.path}>
          {entry.type === 'directory'
            ? <Directory projectId={projectId} path={entry.path} selected={selected} onOpen={onOpen} changed={changed} name={entry.name} />
            : (
              <button type="button" class={`tree-file${entry.path === selected ? ' selected' : ''}`} data-path={entry.path}
                aria-current={entry.path === selected ? 'true' : undefined} onClick={() => onOpen(entry.path)}>
                {entry.name}{entry.type === 'symlink' ? ' →' : ''}
              </button>
            )}
        </li>
      ))}
      {listing.data.entries.length === 0 && <li class="muted small">(empty)</li>}
      {listing.data.truncated && <li class="muted small">More entries than can be listed.</li>}
    </ul>
  );
  if (!path) {
    return (
      <>
        {listing.error && <ErrorNote error={listing.error} what="list the workspace" onRetry={listing.reload} />}
        {!listing.data && !listing.error && <Loading />}
        {children}
      </>
    );
  }
  const name = path.substring(path.lastIndexOf('/') + 1);
  return (
    <>
      <button type="button" class="tree-dir" aria-expanded={expanded ? 'true' : 'false'} data-path={path}
        onClick={() => setExpanded(!expanded)}>{name}/</button>
      {expanded && listing.error && <ErrorNote error={listing.error} what="list this directory" />}
      {children}
    </>
  );
}

function FileViewer({ projectId, path, changed }) {
  const [file, setFile] = useState({ data: null, error: null, loading: false });
  const CodeView = useLazy(loadViewer);
  const load = () => {
    if (!path) return;
    setFile((previous) => ({ ...previous, loading: true }));
    api(`/api/projects/${projectId}/workspace/file`, { params: { path } }).then(
      (data) => setFile({ data, error: null, loading: false }),
      (error) => setFile({ data: null, error, loading: false }),
    );
  };
  useEffect(load, [projectId, path, changed]);
  if (!path) {
    return <Card title="File"><Empty title="Choose a file in the tree to see it here." /></Card>;
  }
  const data = file.data && file.data.path === path ? file.data : null;
  return (
    <Card title={path} actions={<button type="button" class="secondary" onClick={load}>Reload</button>} id="file-viewer">
      {file.error && <ErrorNote error={file.error} what="read this file" onRetry={load} />}
      {!data && !file.error && <Loading />}
      {data && data.binary && (
        <Empty title={`Binary file, ${formatBytes(data.size)}.`}>It is not shown here; mode {data.mode}.</Empty>
      )}
      {data && !data.binary && (
        <>
          <p class="muted small">{formatBytes(data.size)} · mode {data.mode}{data.truncated ? ` · showing the first ${formatBytes(new TextEncoder().encode(data.content).length)} only` : ''}</p>
          {CodeView ? <CodeView path={path} text={data.content} /> : <pre class="code" id="file-content">{data.content}</pre>}
        </>
      )}
    </Card>
  );
}
