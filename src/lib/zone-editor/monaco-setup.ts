/**
 * Monaco, as little of it as the zone editor needs. This module is only ever
 * loaded with `import()` when the editor is opened (loadZoneMonaco in
 * monaco.ts), so none of it weighs on the first page load. It takes the
 * editor core (`editor.api`) plus the contributions the editor uses — hover,
 * code actions (quick fixes), suggestions and snippets (the pragmas),
 * go-to-problem (F8), find, comments, clipboard, the context menu, Tab
 * focus mode (Ctrl+M) — and the one editor worker (diffing and links), via
 * Vite's `?worker`. No language workers: TypeScript, JSON, CSS and HTML
 * support are not imported.
 */
import * as monaco from 'monaco-editor/editor/editor.api.js';
import 'monaco-editor/editor/browser/coreCommands.js';
import 'monaco-editor/features/codicon/register.js';
import 'monaco-editor/features/hover/register.js';
import 'monaco-editor/features/codeAction/register.js';
import 'monaco-editor/editor/contrib/suggest/browser/suggestController.js';
import 'monaco-editor/features/snippet/register.js';
import 'monaco-editor/features/gotoError/register.js';
import 'monaco-editor/features/find/register.js';
import 'monaco-editor/features/comment/register.js';
import 'monaco-editor/features/clipboard/register.js';
import 'monaco-editor/features/contextmenu/register.js';
import 'monaco-editor/features/toggleTabFocusMode/register.js';
import 'monaco-editor/features/bracketMatching/register.js';
import 'monaco-editor/features/wordOperations/register.js';
import 'monaco-editor/features/linesOperations/register.js';
import EditorWorker from 'monaco-editor/editor/editor.worker.js?worker';

globalThis.MonacoEnvironment = { getWorker: () => new EditorWorker() };

export { monaco };
