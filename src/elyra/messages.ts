/**
 * What the pipeline commands tell the user, translated. Pure functions.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import {
  IApplyReport,
  INotebookNodeReport,
  PIPELINE_VERSION,
  PipelineProblem
} from './pipeline';

/**
 * Why a pipeline file was left alone.
 */
export function pipelineProblemMessage(
  problem: PipelineProblem,
  path: string,
  trans: TranslationBundle
): string {
  switch (problem.kind) {
    case 'not-json':
      return trans.__('%1 is not JSON; it was not changed.', path);
    case 'not-pipeline':
      return trans.__(
        '%1 is not an Elyra pipeline file that this extension understands; it was not changed.',
        path
      );
    case 'old-version':
      return trans.__(
        "%1 is in pipeline format version %2, older than version %3. Open it in Elyra's Pipeline Editor, which migrates it, save it, then apply the overlay images again. The file was not changed.",
        path,
        problem.version,
        PIPELINE_VERSION
      );
    case 'newer-version':
      return trans.__(
        '%1 is in pipeline format version %2, made by a newer Elyra; this extension knows version %3. The file was not changed.',
        path,
        problem.version,
        PIPELINE_VERSION
      );
  }
}

/**
 * One line about a node: its label and notebook.
 */
function nodeLine(node: INotebookNodeReport, trans: TranslationBundle): string {
  const notebook = node.notebook ?? node.filename ?? '';
  return notebook && notebook !== node.label
    ? trans.__('%1 (%2)', node.label, notebook)
    : node.label;
}

/**
 * A section of the summary: a heading and one line per node.
 */
export interface ISummarySection {
  kind: 'changed' | 'alreadySet' | 'noOverlay' | 'noImage' | 'skipped';
  heading: string;
  lines: string[];
}

/**
 * The summary of an apply: one sentence, then what happened to each node.
 */
export function applySummary(
  report: IApplyReport,
  trans: TranslationBundle
): { headline: string; sections: ISummarySection[] } {
  const sections: ISummarySection[] = [];
  if (report.changed.length) {
    sections.push({
      kind: 'changed',
      heading: trans._n(
        '%1 notebook node now uses its overlay image:',
        '%1 notebook nodes now use their overlay images:',
        report.changed.length
      ),
      lines: report.changed.map(node =>
        trans.__('%1 → %2', nodeLine(node, trans), node.image ?? '')
      )
    });
  }
  if (report.alreadySet.length) {
    sections.push({
      kind: 'alreadySet',
      heading: trans._n(
        '%1 node already used its overlay image:',
        '%1 nodes already used their overlay images:',
        report.alreadySet.length
      ),
      lines: report.alreadySet.map(node => nodeLine(node, trans))
    });
  }
  if (report.noImage.length) {
    sections.push({
      kind: 'noImage',
      heading: trans._n(
        '%1 node has an overlay with no built image yet (build it, then apply again):',
        '%1 nodes have an overlay with no built image yet (build them, then apply again):',
        report.noImage.length
      ),
      lines: report.noImage.map(node =>
        trans.__('%1: overlay %2', nodeLine(node, trans), node.overlay ?? '')
      )
    });
  }
  if (report.noOverlay.length) {
    sections.push({
      kind: 'noOverlay',
      heading: trans._n(
        '%1 node runs a notebook that is in no overlay (or not found); left as it was:',
        '%1 nodes run notebooks that are in no overlay (or not found); left as they were:',
        report.noOverlay.length
      ),
      lines: report.noOverlay.map(node => nodeLine(node, trans))
    });
  }
  if (report.skipped) {
    sections.push({
      kind: 'skipped',
      heading: trans._n(
        '%1 other node (script, component or supernode) was left alone.',
        '%1 other nodes (scripts, components or supernodes) were left alone.',
        report.skipped
      ),
      lines: []
    });
  }
  const total =
    report.changed.length +
    report.alreadySet.length +
    report.noImage.length +
    report.noOverlay.length;
  const headline = !total
    ? trans.__('The pipeline has no notebook nodes; nothing was changed.')
    : report.changed.length
      ? trans._n('Changed %1 node.', 'Changed %1 nodes.', report.changed.length)
      : trans.__('Nothing to change.');
  return { headline, sections };
}
