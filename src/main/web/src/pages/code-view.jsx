import { useMemo } from 'preact/hooks';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import kotlin from 'highlight.js/lib/languages/kotlin';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import 'highlight.js/styles/github.css';

const LANGUAGES = { bash, css, diff, go, java, javascript, json, kotlin, markdown, python, rust, sql, typescript, xml, yaml };
Object.entries(LANGUAGES).forEach(([name, language]) => hljs.registerLanguage(name, language));

const BY_EXTENSION = {
  sh: 'bash', bash: 'bash', css: 'css', diff: 'diff', patch: 'diff', go: 'go', java: 'java', js: 'javascript',
  mjs: 'javascript', cjs: 'javascript', jsx: 'javascript', json: 'json', kt: 'kotlin', kts: 'kotlin', md: 'markdown',
  py: 'python', rs: 'rust', sql: 'sql', ts: 'typescript', tsx: 'typescript', html: 'xml', xml: 'xml', svg: 'xml',
  pom: 'xml', yml: 'yaml', yaml: 'yaml',
};
// beyond this, highlighting would make the page sluggish: the text is shown plain
const MAX_HIGHLIGHTED = 300 * 1024;

/** Text with line numbers, highlighted by its extension (highlight.js escapes the text it marks up). */
export default function CodeView({ path, text, language: forced }) {
  const extension = path.includes('.') ? path.substring(path.lastIndexOf('.') + 1).toLowerCase() : '';
  const language = forced || BY_EXTENSION[extension];
  const html = useMemo(() => (language && text.length <= MAX_HIGHLIGHTED
    ? hljs.highlight(text, { language, ignoreIllegals: true }).value : null), [text, language]);
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  return (
    <div class="code-view">
      <pre class="gutter" aria-hidden="true">{Array.from({ length: Math.max(1, lines) }, (_, i) => i + 1).join('\n')}</pre>
      {html !== null
        ? <pre class="code hljs" id="file-content" data-language={language} dangerouslySetInnerHTML={{ __html: html }} />
        : <pre class="code" id="file-content">{text}</pre>}
    </div>
  );
}
