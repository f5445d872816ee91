/**
 * The Monaco glue of the zone editor: loads Monaco on first use (a dynamic
 * import, so the first page load stays small) and registers the zone
 * language once, with providers that read what the editor last learned
 * about each model from the engine (diagnostics, record terms, names). The
 * logic lives in the pure modules beside this one; here it is only copied
 * into Monaco's types.
 */
import type * as Monaco from 'monaco-editor/editor/editor.api.js';
import type { RecordTerm, ZoneDiagnostic } from '../../../simulators/index.ts';
import { quickFixesAt } from './diagnostics.ts';
import { hoverAt } from './hover.ts';
import { pragmaCompletions, TRIGGER_CHARACTERS } from './pragma-completion.ts';
import {
  ZONE_LANGUAGE_ID,
  ZONE_THEME,
  zoneLanguageConfiguration,
  zoneMonarch,
  zoneTheme,
} from './zone-language.ts';

/** Monaco's API object. */
export type MonacoApi = typeof Monaco;

/** What the editor knows about one model, from the engine's last check of its text. */
export interface ZoneModelState {
  /** The model version the check was made on: quick fixes are only offered for that text. */
  readonly versionId: number;
  readonly diagnostics: readonly ZoneDiagnostic[];
  readonly terms: readonly RecordTerm[];
  /** The zone's owner names (absolute, without the dot), for the pragmas' completion. */
  readonly names: readonly string[];
}

const states = new Map<string, ZoneModelState>();

/** Records the latest check of a model (by its URI). */
export function setZoneModelState(uri: string, state: ZoneModelState): void {
  states.set(uri, state);
}

/** Forgets a model's state (when the model is disposed). */
export function clearZoneModelState(uri: string): void {
  states.delete(uri);
}

let loading: Promise<MonacoApi> | undefined;

/** Monaco with the zone language registered; loaded once, on first call. */
export function loadZoneMonaco(): Promise<MonacoApi> {
  loading ??= import('./monaco-setup.ts').then(({ monaco }) => {
    registerZoneLanguage(monaco);
    return monaco;
  });
  return loading;
}

function registerZoneLanguage(monaco: MonacoApi): void {
  const id = ZONE_LANGUAGE_ID;
  monaco.languages.register({ id, extensions: ['.zone'], aliases: ['DNS zone file'] });
  monaco.languages.setLanguageConfiguration(id, zoneLanguageConfiguration);
  monaco.languages.setMonarchTokensProvider(id, zoneMonarch);
  monaco.editor.defineTheme(ZONE_THEME, zoneTheme);

  monaco.languages.registerHoverProvider(id, {
    provideHover(model, position) {
      const state = states.get(model.uri.toString());
      const line = position.lineNumber;
      const hover = hoverAt(state?.terms ?? [], line, position.column, model.getLineContent(line));
      if (hover === undefined) return null;
      return {
        range: new monaco.Range(line, hover.column, line, hover.endColumn),
        contents: hover.contents.map((value) => ({ value })),
      };
    },
  });

  monaco.languages.registerCodeActionProvider(
    id,
    {
      provideCodeActions(model, range, context) {
        const state = states.get(model.uri.toString());
        if (state === undefined || state.versionId !== model.getVersionId())
          return { actions: [], dispose() {} };
        const fixes = quickFixesAt(state.diagnostics, {
          startLine: range.startLineNumber,
          startColumn: range.startColumn,
          endLine: range.endLineNumber,
          endColumn: range.endColumn,
        });
        const actions = fixes.map((fix) => ({
          title: fix.title,
          kind: 'quickfix',
          isPreferred: fix.preferred,
          diagnostics: context.markers.filter(
            (m) =>
              m.code === fix.diagnostic.code &&
              m.startLineNumber === fix.diagnostic.line &&
              m.startColumn === fix.diagnostic.column,
          ),
          edit: {
            edits: fix.edits.map((e) => ({
              resource: model.uri,
              versionId: model.getVersionId(),
              textEdit: { range: new monaco.Range(e.line, e.column, e.endLine, e.endColumn), text: e.text },
            })),
          },
        }));
        return { actions, dispose() {} };
      },
    },
    { providedCodeActionKinds: ['quickfix'] },
  );

  const kinds = {
    snippet: monaco.languages.CompletionItemKind.Snippet,
    name: monaco.languages.CompletionItemKind.Reference,
    type: monaco.languages.CompletionItemKind.EnumMember,
  };
  monaco.languages.registerCompletionItemProvider(id, {
    triggerCharacters: TRIGGER_CHARACTERS,
    provideCompletionItems(model, position) {
      const line = position.lineNumber;
      const before = model.getLineContent(line).slice(0, position.column - 1);
      const names = states.get(model.uri.toString())?.names ?? [];
      const suggestions = pragmaCompletions(before, names).map((c) => ({
        label: c.label,
        kind: kinds[c.kind],
        insertText: c.insertText,
        ...(c.kind === 'snippet'
          ? { insertTextRules: monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet }
          : {}),
        detail: c.detail,
        ...(c.documentation === undefined ? {} : { documentation: c.documentation }),
        range: new monaco.Range(line, c.startColumn, line, c.endColumn),
      }));
      return { suggestions };
    },
  });
}
